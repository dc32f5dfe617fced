package dev.weft.lsp.binding;

import dev.weft.crdt.model.TextChange;

import java.util.ArrayList;
import java.util.List;

/**
 * How the editor view of a document lines up with its replica text: a sequence of segments, each saying whether
 * its characters are in the editor, in the replica, or both. The not-yet-shown remote changes are exactly the
 * non-{@link Kind#RETAIN} segments, so {@code view + pending = replica} holds by construction
 * ({@link #checkInvariants(String, String)} verifies it).
 *
 * <p>This is a two-party changeset in the style of Etherpad/Jupiter OT, with one tie-break used everywhere: at a
 * position where both a local insertion and not-yet-shown remote text sit, the local insertion goes first.
 *
 * <pre>
 * view "abc", replica "aXc" (remote replaced b by X) = [RETAIN 1][DELETE 1][INSERT "X"][RETAIN 1]
 * the applyEdit for it: replace view [1,2) with "X"
 * </pre>
 *
 * <p>Not thread-safe: confined to the document's serial executor like the replica.
 */
public final class Alignment {

    /** What a segment's characters are; the flags say in which text they are present. */
    public enum Kind {
        /** In both texts (shown). */
        RETAIN(true, true),
        /** In the editor, deleted in the replica: a pending deletion. */
        DELETE(true, false),
        /** In the replica, not yet in the editor: a pending insertion. */
        INSERT(false, true),
        /** A pending insertion carried by the outstanding applyEdit. */
        SENT_INSERT(false, true),
        /** Text carried by the outstanding applyEdit that the replica has deleted since it was sent. */
        SENT_INSERT_DELETED(false, false),
        /** A pending deletion carried by the outstanding applyEdit. */
        SENT_DELETE(true, false);

        /** True if the characters are in the editor view. Immutable. */
        final boolean inView;
        /** True if the characters are in the replica text. Immutable. */
        final boolean inReplica;

        Kind(boolean inView, boolean inReplica) {
            this.inView = inView;
            this.inReplica = inReplica;
        }

        boolean hasText() {
            return this == INSERT || this == SENT_INSERT || this == SENT_INSERT_DELETED;
        }

        boolean sent() {
            return this == SENT_INSERT || this == SENT_INSERT_DELETED || this == SENT_DELETE;
        }
    }

    /**
     * One run of characters of one kind.
     *
     * @param kind   what the characters are
     * @param length number of UTF-16 code units, {@code > 0}
     * @param text   the characters for kinds that carry text ({@link Kind#hasText()}), else null
     */
    record Segment(Kind kind, int length, String text) {
        int viewLength() {
            return kind.inView ? length : 0;
        }

        int replicaLength() {
            return kind.inReplica ? length : 0;
        }

        Segment withKind(Kind k) {
            return new Segment(k, length, k.hasText() ? text : null);
        }
    }

    /**
     * A pending change expressed on the editor view: replace {@code [viewStart, viewEnd)} by {@code text}.
     */
    public record Region(int viewStart, int viewEnd, String text) {
    }

    /** The segments in document order; normalised (no empty segment, no two neighbours of one kind). */
    private final List<Segment> segs = new ArrayList<>();

    /** An alignment of two identical texts of {@code length} code units. */
    public Alignment(int length) {
        if (length > 0) {
            segs.add(new Segment(Kind.RETAIN, length, null));
        }
    }

    /** An independent copy of this alignment (segments are immutable records, so a shallow copy suffices). */
    public Alignment copy() {
        Alignment c = new Alignment(0);
        c.segs.addAll(segs);
        return c;
    }

    /** True if the editor view differs from the replica (something is waiting to be shown). */
    public boolean hasPending() {
        for (Segment s : segs) {
            if (s.kind != Kind.RETAIN) {
                return true;
            }
        }
        return false;
    }

    /** True if some segment belongs to the outstanding applyEdit. */
    public boolean hasSent() {
        for (Segment s : segs) {
            if (s.kind.sent()) {
                return true;
            }
        }
        return false;
    }

    public int viewLength() {
        int n = 0;
        for (Segment s : segs) {
            n += s.viewLength();
        }
        return n;
    }

    public int replicaLength() {
        int n = 0;
        for (Segment s : segs) {
            n += s.replicaLength();
        }
        return n;
    }

    /**
     * Records a user edit made in the editor: view {@code [viewStart, viewEnd)} replaced by {@code text}.
     *
     * @return the same edit in replica coordinates, as sequential changes (deletions first, then the insertion)
     *         to apply to the replica as local operations. Remote text the user never saw inside the replaced range
     *         is kept; text the replica already deleted is not deleted twice.
     * @throws IllegalStateException if an applyEdit is outstanding (resolve it with {@link #echoed()} or
     *                               {@link #rejected()} first)
     */
    public List<TextChange> localReplace(int viewStart, int viewEnd, String text) {
        if (hasSent()) {
            throw new IllegalStateException("local edit while an applyEdit is outstanding; resolve it first");
        }
        if (viewStart < 0 || viewEnd < viewStart || viewEnd > viewLength()) {
            throw new IndexOutOfBoundsException("view range [" + viewStart + ", " + viewEnd + ") outside [0, "
                    + viewLength() + "]");
        }
        int i = splitView(viewStart);
        int j = splitView(viewEnd);
        int r0 = replicaOffsetAt(i);
        List<TextChange> out = new ArrayList<>();
        int rr = r0;
        List<Segment> kept = new ArrayList<>();
        for (int k = i; k < j; k++) {
            Segment s = segs.get(k);
            switch (s.kind) {
                case RETAIN -> {
                    TextChange last = out.isEmpty() ? null : out.get(out.size() - 1);
                    if (last != null && last.offset() == rr) {
                        out.set(out.size() - 1, TextChange.delete(rr, last.deleteLength() + s.length));
                    } else {
                        out.add(TextChange.delete(rr, s.length));
                    }
                }
                case DELETE -> { }
                case INSERT -> {
                    kept.add(s);
                    rr += s.length;
                }
                default -> throw new AssertionError(s.kind);
            }
        }
        List<Segment> replacement = new ArrayList<>();
        if (!text.isEmpty()) {
            replacement.add(new Segment(Kind.RETAIN, text.length(), null));
            out.add(TextChange.insert(r0, text));
        }
        replacement.addAll(kept);
        segs.subList(i, j).clear();
        segs.addAll(i, replacement);
        normalize();
        return out;
    }

    /**
     * Records a change already applied to the replica that the editor has not seen (remote update, or a local
     * undo/redo/repair not made in the editor).
     */
    public void replicaChange(TextChange change) {
        if (change.deleteLength() > 0) {
            int i = splitReplica(change.offset());
            int j = splitReplica(change.offset() + change.deleteLength());
            for (int k = i; k < j; k++) {
                Segment s = segs.get(k);
                Segment r = switch (s.kind) {
                    case RETAIN -> new Segment(Kind.DELETE, s.length, null);
                    case INSERT -> null;
                    case SENT_INSERT -> s.withKind(Kind.SENT_INSERT_DELETED);
                    default -> s; // not in the replica: untouched
                };
                segs.set(k, r);
            }
            segs.removeIf(s -> s == null);
        }
        if (!change.insertText().isEmpty()) {
            int i = splitReplica(change.offset());
            segs.add(i, new Segment(Kind.INSERT, change.insertText().length(), change.insertText()));
        }
        normalize();
    }

    /** The first pending region (by view position), or null if nothing is pending. */
    public Region firstRegion() {
        int v = 0;
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            if (s.kind == Kind.RETAIN) {
                v += s.length;
                continue;
            }
            int start = v;
            StringBuilder text = new StringBuilder();
            for (; i < segs.size() && segs.get(i).kind != Kind.RETAIN; i++) {
                Segment t = segs.get(i);
                if (t.kind.sent()) {
                    throw new IllegalStateException("region requested while an applyEdit is outstanding");
                }
                v += t.viewLength();
                if (t.kind == Kind.INSERT) {
                    text.append(t.text);
                }
            }
            return new Region(start, v, text.toString());
        }
        return null;
    }

    /** Marks the first pending region as carried by an applyEdit now being sent; returns it (null if none). */
    public Region markFirstRegionSent() {
        Region r = firstRegion();
        if (r == null) {
            return null;
        }
        int i = splitView(r.viewStart());
        // Skip RETAIN (cannot be: splitView returns the first segment at viewStart, which starts the region).
        for (; i < segs.size() && segs.get(i).kind != Kind.RETAIN; i++) {
            Segment s = segs.get(i);
            segs.set(i, s.withKind(s.kind == Kind.INSERT ? Kind.SENT_INSERT : Kind.SENT_DELETE));
        }
        normalize();
        return r;
    }

    /** The editor applied the outstanding applyEdit: its text is now in the view. */
    public void echoed() {
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            segs.set(i, switch (s.kind) {
                case SENT_INSERT -> new Segment(Kind.RETAIN, s.length, null);
                case SENT_INSERT_DELETED -> new Segment(Kind.DELETE, s.length, null);
                case SENT_DELETE -> null;
                default -> s;
            });
        }
        segs.removeIf(s -> s == null);
        normalize();
    }

    /** The editor did not apply the outstanding applyEdit: its changes are pending again. */
    public void rejected() {
        for (int i = 0; i < segs.size(); i++) {
            Segment s = segs.get(i);
            segs.set(i, switch (s.kind) {
                case SENT_INSERT -> s.withKind(Kind.INSERT);
                case SENT_INSERT_DELETED -> null;
                case SENT_DELETE -> s.withKind(Kind.DELETE);
                default -> s;
            });
        }
        segs.removeIf(s -> s == null);
        normalize();
    }

    /**
     * The replica offset corresponding to view offset {@code v}: for a character the editor shows, where it is in
     * the replica; for one the replica deleted, where it stood. At a point where unseen remote text sits, the
     * position before it.
     */
    public int viewToReplica(int v) {
        int pv = 0;
        int pr = 0;
        for (Segment s : segs) {
            int vl = s.viewLength();
            if (pv + vl > v || (vl == 0 && pv == v)) {
                return pr + (s.kind.inReplica && s.kind.inView ? v - pv : 0);
            }
            pv += vl;
            pr += s.replicaLength();
        }
        return pr;
    }

    /** The view offset corresponding to replica offset {@code r} (inverse of {@link #viewToReplica(int)}). */
    public int replicaToView(int r) {
        int pv = 0;
        int pr = 0;
        for (Segment s : segs) {
            int rl = s.replicaLength();
            if (pr + rl > r || (rl == 0 && pr == r)) {
                return pv + (s.kind.inReplica && s.kind.inView ? r - pr : 0);
            }
            pv += s.viewLength();
            pr += rl;
        }
        return pv;
    }

    /** The replica text this alignment implies for {@code view} (view with every pending change applied). */
    public String apply(String view) {
        StringBuilder out = new StringBuilder(view.length() + 16);
        int v = 0;
        for (Segment s : segs) {
            if (s.kind == Kind.RETAIN) {
                out.append(view, v, v + s.length);
            } else if (s.kind.inReplica) {
                out.append(s.text);
            }
            v += s.viewLength();
        }
        return out.toString();
    }

    /**
     * Throws {@link IllegalStateException} naming the first violated invariant: segments are non-empty and
     * normalised, text-carrying segments hold exactly {@code length} characters, the view length equals
     * {@code view.length()}, and the view with all pending changes applied equals {@code replica}.
     */
    public void checkInvariants(String view, String replica) {
        Segment prev = null;
        for (Segment s : segs) {
            if (s.length <= 0) {
                throw new IllegalStateException("empty segment " + s);
            }
            if (s.kind.hasText() != (s.text != null) || (s.text != null && s.text.length() != s.length)) {
                throw new IllegalStateException("segment text does not match its kind/length: " + s);
            }
            if (prev != null && prev.kind == s.kind) {
                throw new IllegalStateException("two neighbouring segments of kind " + s.kind);
            }
            prev = s;
        }
        if (viewLength() != view.length()) {
            throw new IllegalStateException("alignment view length " + viewLength() + " != editor view length "
                    + view.length());
        }
        if (hasSent()) {
            return; // sent-but-unconfirmed text is in neither text; the check below applies once resolved
        }
        String implied = apply(view);
        if (!implied.equals(replica)) {
            throw new IllegalStateException("editor view + pending != replica (lengths " + implied.length() + " vs "
                    + replica.length() + ")");
        }
    }

    @Override
    public String toString() {
        return segs.toString();
    }

    /** Splits so a segment boundary lies at view offset {@code v}; returns the index of the first segment there. */
    private int splitView(int v) {
        int pos = 0;
        for (int i = 0; i < segs.size(); i++) {
            if (pos == v) {
                return i;
            }
            Segment s = segs.get(i);
            int len = s.viewLength();
            if (pos + len > v) {
                splitAt(i, v - pos);
                return i + 1;
            }
            pos += len;
        }
        if (pos == v) {
            return segs.size();
        }
        throw new IndexOutOfBoundsException("view offset " + v + " > view length " + pos);
    }

    /** Splits so a segment boundary lies at replica offset {@code r}; returns the first segment index there. */
    private int splitReplica(int r) {
        int pos = 0;
        for (int i = 0; i < segs.size(); i++) {
            if (pos == r) {
                return i;
            }
            Segment s = segs.get(i);
            int len = s.replicaLength();
            if (pos + len > r) {
                splitAt(i, r - pos);
                return i + 1;
            }
            pos += len;
        }
        if (pos == r) {
            return segs.size();
        }
        throw new IndexOutOfBoundsException("replica offset " + r + " > replica length " + pos);
    }

    private void splitAt(int i, int k) {
        Segment s = segs.get(i);
        Segment left = new Segment(s.kind, k, s.text == null ? null : s.text.substring(0, k));
        Segment right = new Segment(s.kind, s.length - k, s.text == null ? null : s.text.substring(k));
        segs.set(i, left);
        segs.add(i + 1, right);
    }

    private int replicaOffsetAt(int index) {
        int r = 0;
        for (int k = 0; k < index; k++) {
            r += segs.get(k).replicaLength();
        }
        return r;
    }

    private void normalize() {
        List<Segment> out = new ArrayList<>(segs.size());
        for (Segment s : segs) {
            if (s.length == 0) {
                continue;
            }
            Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.kind == s.kind) {
                out.set(out.size() - 1, new Segment(s.kind, last.length + s.length,
                        s.text == null ? null : last.text + s.text));
            } else {
                out.add(s);
            }
        }
        segs.clear();
        segs.addAll(out);
    }
}

package dev.weft.client.git;

import dev.weft.client.text.MinimalDiff;
import dev.weft.crdt.model.IdRun;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who made each uncommitted change of one text file ({@code docs/git.md}, "Authorship"): the file's current text
 * (a CRDT replica's {@link IdRun runs}) is compared with its text at HEAD, character by character ({@link CharDiff}).
 * Characters equal to HEAD's are committed and have no author; an inserted character's author is the person whose
 * session typed it (its agent, through the {@link AuthorLog}); a deleted HEAD character is matched, in order, to a
 * tombstone at the same place in the replica, and its deleters are the sessions the log says deleted that id.
 * Immutable.
 */
public final class Attribution {
    /** Reported for a character whose author no session names. */
    public static final String UNKNOWN = "?";

    private final String fileId;
    private final String head;
    private final String text;
    private final AuthorLog log;
    /** Per current unit: who typed it (null when committed, or when no session names the agent). */
    private final GitIdentity[] typist;
    /** Per current unit: true if not in HEAD. */
    private final boolean[] inserted;
    /** Per HEAD unit: the sessions' identities that deleted it; null = kept in the current text; empty = unknown. */
    private final List<Set<GitIdentity>> deleters;
    private final List<Hunk> hunks = new ArrayList<>();

    /**
     * One replacement from HEAD to now, with the replica's whole sequence between its neighbours.
     *
     * @param headStart     first HEAD unit replaced
     * @param headEnd       end (exclusive) in HEAD
     * @param textStart     first current unit inserted
     * @param textEnd       end (exclusive) in the current text
     * @param steps         the hunk's alignment steps in document order: {@code [INSERTED, current unit]},
     *                      {@code [DELETED, HEAD unit, replica unit of its tombstone]}, {@code [HEAD_UNMATCHED, HEAD unit]}
     * @param unmatchedHead HEAD units of this hunk with no tombstone found
     */
    record Hunk(int headStart, int headEnd, int textStart, int textEnd, List<int[]> steps, int unmatchedHead) {
    }

    /**
     * @param fileId the file's id (deletions are logged per file)
     * @param head   the file's text at HEAD, or {@code ""} if HEAD lacks it
     * @param runs   the replica's runs ({@code TextDocument.runs()})
     * @param log    the room's authors log
     */
    public Attribution(String fileId, String head, List<IdRun> runs, AuthorLog log) {
        this.fileId = fileId;
        this.head = head;
        this.log = log;
        int full = 0;
        StringBuilder sb = new StringBuilder();
        for (IdRun r : runs) {
            full += r.length();
            if (!r.deleted()) {
                sb.append(r.text());
            }
        }
        this.text = sb.toString();
        long[] fAgent = new long[full];
        long[] fSeq = new long[full];
        boolean[] fDeleted = new boolean[full];
        char[] fChar = new char[full];
        int[] visToFull = new int[text.length()];
        int k = 0;
        int v = 0;
        for (IdRun r : runs) {
            for (int i = 0; i < r.length(); i++, k++) {
                fAgent[k] = r.agent();
                fSeq[k] = r.seq() + i;
                fDeleted[k] = r.deleted();
                fChar[k] = r.text() == null ? '\uFFFF' : r.text().charAt(i);
                if (!r.deleted()) {
                    visToFull[v++] = k;
                }
            }
        }
        this.fAgent = fAgent;
        this.fSeq = fSeq;
        this.fDeleted = fDeleted;
        this.fChar = fChar;
        this.visToFull = visToFull;
        typist = new GitIdentity[text.length()];
        inserted = new boolean[text.length()];
        shown = new GitIdentity[text.length()];
        shownInserted = new boolean[text.length()];
        deleters = new ArrayList<>(head.length());
        for (int i = 0; i < head.length(); i++) {
            deleters.add(null);
        }
        for (int[] b : lineBlocks(head, text)) {
            MinimalDiff.Edit e = new MinimalDiff.Edit(b[0], b[1] - b[0], text.substring(b[2], b[3]));
            int ts = b[2];
            int[] g = gap(ts, ts + e.text().length());
            List<int[]> steps = align(e.offset(), e.offset() + e.length(), ts, g[0], g[1]);
            // Sub-hunks: maximal runs of steps between kept characters.
            List<int[]> run = new ArrayList<>();
            int cur = ts;
            int hd = e.offset();
            int runHead = hd;
            int runText = cur;
            for (int[] st : steps) {
                if (st[0] == KEPT) {
                    if (!run.isEmpty()) {
                        hunks.add(hunk(runHead, hd, runText, cur, run));
                        run = new ArrayList<>();
                    }
                    hd++;
                    cur++;
                    runHead = hd;
                    runText = cur;
                    continue;
                }
                run.add(st);
                if (st[0] == INSERTED) {
                    cur++;
                } else {
                    hd++;
                }
            }
            if (!run.isEmpty()) {
                hunks.add(hunk(runHead, hd, runText, cur, run));
            }
        }
        // Display: a pure insertion that could sit at several places is shown as git shows it.
        for (int n = 0; n < hunks.size(); n++) {
            Hunk h = hunks.get(n);
            int len = h.textEnd() - h.textStart();
            for (int i = h.textStart(); i < h.textEnd(); i++) {
                shownInserted[i] = true;
                shown[i] = typist[i];
            }
            if (len == 0 || h.headEnd() > h.headStart()) {
                continue;
            }
            int lo = n == 0 ? 0 : hunks.get(n - 1).textEnd();
            int hi = n + 1 < hunks.size() ? hunks.get(n + 1).textStart() : text.length();
            int[] c = candidates(text, h.textStart(), len, lo, hi);
            int disp = endingWithNewline(text, c, len, h.textStart());
            if (disp == h.textStart()) {
                continue;
            }
            for (int i = h.textStart(); i < h.textEnd(); i++) {
                shownInserted[i] = false;
            }
            for (int i = 0; i < len; i++) {
                shownInserted[disp + i] = true;
                shown[disp + i] = typist[h.textStart() + Math.floorMod(disp - h.textStart() + i, len)];
            }
        }
    }

    /**
     * The line diff's changed blocks widened to whole lines (where the line diff put a block's edge inside a line,
     * e.g. keeping a line's {@code \n} but not its text, the ids may say otherwise), overlapping ones merged:
     * {@code {headStart, headEnd, textStart, textEnd}}.
     */
    private static List<int[]> lineBlocks(String head, String text) {
        List<int[]> out = new ArrayList<>();
        int shift = 0;
        for (MinimalDiff.Edit e : MinimalDiff.diff(head, text)) {
            int hs = e.offset() == 0 ? 0 : head.lastIndexOf('\n', e.offset() - 1) + 1;
            int he0 = e.offset() + e.length();
            int nl = he0 >= head.length() ? -1 : head.indexOf('\n', he0);
            int he = nl < 0 ? head.length() : nl + 1;
            int ts = e.offset() + shift - (e.offset() - hs);
            int te = e.offset() + shift + e.text().length() + (he - he0);
            shift += e.text().length() - e.length();
            int[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && hs < last[1]) {
                last[1] = Math.max(last[1], he);
                last[3] = Math.max(last[3], te);
            } else {
                out.add(new int[]{hs, he, ts, te});
            }
        }
        return out;
    }

    /** True if replica unit {@code f} continues the run of unit {@code last} (same agent, next seq). */
    private boolean continues(int last, int f) {
        return last >= 0 && fAgent[last] == fAgent[f] && fSeq[last] + 1 == fSeq[f];
    }

    /** Step kinds of an alignment: an inserted current unit, a HEAD unit deleted (tombstone found), kept, lost. */
    static final int INSERTED = 0, DELETED = 1, KEPT = 2, HEAD_UNMATCHED = 3;
    /** Larger blocks (HEAD units × replica units) are aligned greedily instead. */
    static final long MAX_ALIGN_CELLS = 2_000_000L;

    /**
     * Aligns HEAD {@code [hs, he)} with the replica's units {@code [fs, fe)} (visible ones are current units from
     * {@code ts}): a longest common subsequence where, among equally long ones, matches that continue a run of
     * ids (same agent, next seq) win, so a character is matched to the copy that was typed with its neighbours,
     * not to an equal character someone typed nearby. Matched to a visible unit = kept; to a tombstone = deleted.
     *
     * @return steps {@code [kind, index]} in order (index: current unit for INSERTED, HEAD unit otherwise)
     */
    private List<int[]> align(int hs, int he, int ts, int fs, int fe) {
        int n = he - hs;
        int m = fe - fs;
        List<int[]> out = new ArrayList<>();
        if ((long) (n + 1) * (m + 1) > MAX_ALIGN_CELLS) {
            int j = hs;
            int v = ts;
            for (int f = fs; f < fe; f++) {
                if (!fDeleted[f]) {
                    out.add(new int[]{INSERTED, v++});
                } else if (j < he && fChar[f] == head.charAt(j)) {
                    out.add(new int[]{DELETED, j++, f});
                }
            }
            while (j < he) {
                out.add(new int[]{HEAD_UNMATCHED, j++});
            }
            return out;
        }
        int w = m + 1;
        int cells = (n + 1) * w;
        final int none = Integer.MIN_VALUE / 4;
        // Two states per cell: the best path's last step is not a match (free) or is one (matched); each keeps the
        // replica unit of its path's last match (for the run bonus) and where it came from (for the trace back).
        int[] free = new int[cells];
        int[] matched = new int[cells];
        int[] freeLast = new int[cells];
        int[] matchedLast = new int[cells];
        byte[] freeFrom = new byte[cells];    // 0 free above, 1 matched above, 2 free left, 3 matched left
        byte[] matchedFrom = new byte[cells]; // 0 free diagonal, 1 matched diagonal
        freeLast[0] = -1;
        matched[0] = none;
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= m; j++) {
                int k = i * w + j;
                if (k == 0) {
                    continue;
                }
                int best = none;
                byte from = 0;
                int last = -1;
                if (i > 0) {
                    if (free[k - w] > best) { best = free[k - w]; from = 0; last = freeLast[k - w]; }
                    if (matched[k - w] > best) { best = matched[k - w]; from = 1; last = matchedLast[k - w]; }
                }
                if (j > 0) {
                    if (free[k - 1] > best) { best = free[k - 1]; from = 2; last = freeLast[k - 1]; }
                    if (matched[k - 1] > best) { best = matched[k - 1]; from = 3; last = matchedLast[k - 1]; }
                }
                free[k] = best;
                freeFrom[k] = from;
                freeLast[k] = last;
                matched[k] = none;
                int f = fs + j - 1;
                if (i > 0 && j > 0 && head.charAt(hs + i - 1) == fChar[f] && fChar[f] != '\uFFFF') {
                    int viaFree = free[k - w - 1] + 2 + (continues(freeLast[k - w - 1], f) ? 1 : 0);
                    int viaMatch = matched[k - w - 1] == none ? none
                            : matched[k - w - 1] + 2 + (continues(matchedLast[k - w - 1], f) ? 1 : 0);
                    matched[k] = Math.max(viaFree, viaMatch);
                    matchedFrom[k] = (byte) (viaMatch >= viaFree ? 1 : 0);
                    matchedLast[k] = f;
                }
            }
        }
        List<int[]> rev = new ArrayList<>();
        int i = n;
        int j = m;
        boolean inMatch = matched[cells - 1] > free[cells - 1];
        int v = ts;
        for (int f = fs; f < fe; f++) {
            if (!fDeleted[f]) {
                v++;
            }
        }
        while (i > 0 || j > 0) {
            int k = i * w + j;
            if (inMatch) {
                int f = fs + j - 1;
                if (fDeleted[f]) {
                    rev.add(new int[]{DELETED, hs + i - 1, f});
                } else {
                    v--;
                    rev.add(new int[]{KEPT, hs + i - 1});
                }
                inMatch = matchedFrom[k] == 1;
                i--;
                j--;
                continue;
            }
            byte from = freeFrom[k];
            if (from >= 2) {
                int f = fs + j - 1;
                if (!fDeleted[f]) {
                    v--;
                    rev.add(new int[]{INSERTED, v});
                }
                j--;
            } else {
                rev.add(new int[]{HEAD_UNMATCHED, hs + i - 1});
                i--;
            }
            inMatch = from == 1 || from == 3;
        }
        for (int r = rev.size() - 1; r >= 0; r--) {
            out.add(rev.get(r));
        }
        return out;
    }

    /** Per-unit arrays of the replica's whole sequence, tombstones included; immutable after construction. */
    private final long[] fAgent;
    private final long[] fSeq;
    private final boolean[] fDeleted;
    private final char[] fChar;
    private final int[] visToFull;
    /** Per current unit, for display: {@link #typist}/{@link #inserted} with each ambiguous block placed as git does. */
    private final GitIdentity[] shown;
    private final boolean[] shownInserted;

    /**
     * Records one hunk from its alignment steps: marks the inserted units and their typists, and sets the deleters
     * of its HEAD units (empty = unknown: no tombstone found, or no session logged the deletion).
     */
    private Hunk hunk(int hs, int he, int ts, int te, List<int[]> steps) {
        int unmatched = 0;
        for (int[] st : steps) {
            if (st[0] == INSERTED) {
                inserted[st[1]] = true;
                typist[st[1]] = log.identityOfAgent(fAgent[visToFull[st[1]]]);
            } else if (st[0] == HEAD_UNMATCHED) {
                deleters.set(st[1], Set.of());
                unmatched++;
            } else if (st[0] == DELETED) {
                Set<GitIdentity> who = new LinkedHashSet<>();
                for (long session : log.deleters(fileId, fAgent[st[2]], fSeq[st[2]])) {
                    GitIdentity id = log.identityOfSession(session);
                    if (id != null) {
                        who.add(id);
                    }
                }
                deleters.set(st[1], who);
            }
        }
        return new Hunk(hs, he, ts, te, steps, unmatched);
    }

    /** The replica's units between the visible units just before {@code ts} and at {@code te}: {from, to}. */
    private int[] gap(int ts, int te) {
        int fs = ts == 0 ? 0 : visToFull[ts - 1] + 1;
        int fe = te == text.length() ? fAgent.length : visToFull[te];
        return new int[]{fs, fe};
    }

    /**
     * The places a block of {@code len} units at {@code at} in {@code s} can slide to without changing the result
     * (repeated characters around it), within {@code [lo, hi]}, ascending; never splitting a surrogate pair.
     */
    private static int[] candidates(String s, int at, int len, int lo, int hi) {
        int from = at;
        while (from > lo && s.charAt(from - 1) == s.charAt(from + len - 1) && !Character.isSurrogate(s.charAt(from - 1))) {
            from--;
        }
        int to = at;
        while (to + len < hi && s.charAt(to + len) == s.charAt(to) && !Character.isSurrogate(s.charAt(to))) {
            to++;
        }
        int[] out = new int[to - from + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }


    /** For display, as git shows it: the last place where the block ends with a line break, else {@code fallback}. */
    private static int endingWithNewline(String s, int[] places, int len, int fallback) {
        for (int i = places.length - 1; i >= 0; i--) {
            if (s.charAt(places[i] + len - 1) == '\n') {
                return places[i];
            }
        }
        return fallback;
    }


    /** The current text (the replica's). */
    public String text() {
        return text;
    }

    /**
     * Per line of the current text (a line includes its {@code \n}), the distinct authors of its uncommitted
     * characters in order of appearance: names, {@link #UNKNOWN} for an unnamed session. Empty = all committed.
     */
    public List<List<String>> lineAuthors() {
        List<List<String>> out = new ArrayList<>();
        Set<String> line = new LinkedHashSet<>();
        for (int i = 0; i < text.length(); i++) {
            if (shownInserted[i]) {
                line.add(shown[i] == null ? UNKNOWN : shown[i].name());
            }
            if (text.charAt(i) == '\n') {
                out.add(List.copyOf(line));
                line.clear();
            }
        }
        if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n' || text.isEmpty()) {
            out.add(List.copyOf(line));
        }
        return out;
    }

    /** Who typed current unit {@code i}: null if committed, {@link Optional}-like: unknown typists are null too. */
    GitIdentity typist(int i) {
        return typist[i];
    }

    boolean isInserted(int i) {
        return inserted[i];
    }

    /** Deleters of HEAD unit {@code j}: null if still present, empty if unknown. */
    Set<GitIdentity> deletersOf(int j) {
        return deleters.get(j);
    }

    String head() {
        return head;
    }

    /**
     * What staging exactly {@code me}'s changes gives: HEAD's text with only the characters {@code me} inserted
     * and only the HEAD characters {@code me} deleted, in the replica's order.
     *
     * @return the text to put in the index and the hunks left out because they could not be separated
     */
    public Staged stage(GitIdentity me) {
        StringBuilder out = new StringBuilder();
        List<String> problems = new ArrayList<>();
        int inserted = 0;
        int deleted = 0;
        int at = 0;
        for (Hunk h : hunks) {
            out.append(head, at, h.headStart());
            at = h.headEnd();
            String why = inseparable(h, me);
            if (why != null) {
                problems.add("line " + lineOf(h.textStart()) + ": " + why);
                out.append(head, h.headStart(), h.headEnd());
                continue;
            }
            for (int[] s : h.steps()) {
                if (s[0] == INSERTED) {
                    if (me.samePerson(typist[s[1]])) {
                        out.append(text.charAt(s[1]));
                        inserted++;
                    }
                } else if (mine(deleters.get(s[1]), me)) {
                    deleted++;
                } else {
                    out.append(head.charAt(s[1]));
                }
            }
        }
        out.append(head, at, head.length());
        return new Staged(out.toString(), problems, inserted, deleted);
    }

    /**
     * The index text for one participant and why hunks were left out.
     *
     * @param text     HEAD plus exactly that participant's changes
     * @param problems one line per hunk left out ({@code line N: reason}), in order
     * @param inserted units of theirs inserted
     * @param deleted  HEAD units they deleted
     */
    public record Staged(String text, List<String> problems, int inserted, int deleted) {
    }

    /** Why {@code me}'s part of {@code h} cannot be staged alone, or null if it can (or {@code me} has none). */
    private String inseparable(Hunk h, GitIdentity me) {
        boolean involvesMe = false;
        boolean unknown = h.unmatchedHead() > 0;
        int switches = 0;
        Boolean last = null;
        for (int[] s : h.steps()) {
            if (s[0] == INSERTED) {
                GitIdentity who = typist[s[1]];
                unknown |= who == null;
                boolean m = me.samePerson(who);
                involvesMe |= m;
                if (last != null && last != m) {
                    switches++;
                }
                last = m;
            } else {
                Set<GitIdentity> d = deleters.get(s[1]);
                unknown |= d.isEmpty();
                involvesMe |= mine(d, me);
            }
        }
        if (unknown) {
            return "a change whose author is not known (typed before authors were recorded, or not yet in the log);"
                    + " not staged";
        }
        if (involvesMe && switches >= 2) {
            return "your typing and another participant's are interleaved in one change; not staged";
        }
        return null;
    }

    private static boolean mine(Set<GitIdentity> deleters, GitIdentity me) {
        for (GitIdentity d : deleters) {
            if (me.samePerson(d)) {
                return true;
            }
        }
        return false;
    }

    private int lineOf(int textOffset) {
        int line = 1;
        for (int i = 0; i < textOffset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * The people whose changes are in {@code indexText} relative to HEAD: for each character the index adds, its
     * typist (found by aligning the index with the current text); for each HEAD character it drops, its deleters.
     *
     * @return the authors, and whether some staged change has no known author
     */
    public Contributors contributors(String indexText) {
        Set<GitIdentity> who = new LinkedHashSet<>();
        boolean unknown = false;
        // index unit → current unit, for units the two share
        int[] toCurrent = new int[indexText.length()];
        java.util.Arrays.fill(toCurrent, -1);
        int ia = 0;
        int shift = 0;
        for (MinimalDiff.Edit e : CharDiff.diff(indexText, text)) {
            for (; ia < e.offset(); ia++) {
                toCurrent[ia] = ia + shift;
            }
            ia = e.offset() + e.length();
            shift += e.text().length() - e.length();
        }
        for (; ia < indexText.length(); ia++) {
            toCurrent[ia] = ia + shift;
        }
        for (MinimalDiff.Edit e : CharDiff.diff(head, indexText)) {
            for (int j = e.offset(); j < e.offset() + e.length(); j++) {
                Set<GitIdentity> d = deleters.get(j);
                if (d == null || d.isEmpty()) {
                    unknown = true;
                } else {
                    who.addAll(d);
                }
            }
        }
        int shift2 = 0;
        for (MinimalDiff.Edit e : CharDiff.diff(head, indexText)) {
            int is = e.offset() + shift2;
            shift2 += e.text().length() - e.length();
            for (int i = is; i < is + e.text().length(); i++) {
                int c = toCurrent[i];
                GitIdentity t = c < 0 || !inserted[c] ? null : typist[c];
                if (t == null) {
                    unknown = true;
                } else {
                    who.add(t);
                }
            }
        }
        return new Contributors(who, unknown);
    }

    /**
     * @param authors     everyone with a change in the staged diff, in order of appearance
     * @param someUnknown true if some staged change could not be attributed
     */
    public record Contributors(Set<GitIdentity> authors, boolean someUnknown) {
    }
}

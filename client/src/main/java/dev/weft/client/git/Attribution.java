package dev.weft.client.git;

import dev.weft.client.workspace.MinimalDiff;
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
     * @param steps         the replica's characters in the gap, in document order: {@code [kind, index]} with kind
     *                      0 = inserted current unit {@code index}, 1 = tombstone matched to HEAD unit {@code index}
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
        List<MinimalDiff.Edit> edits = CharDiff.diff(head, text);
        int shift = 0;
        for (int n = 0; n < edits.size(); n++) {
            MinimalDiff.Edit e = edits.get(n);
            // Where neighbouring edits end and start (in HEAD; between edits HEAD and now are equal).
            int lo = n == 0 ? 0 : edits.get(n - 1).offset() + edits.get(n - 1).length();
            int hi = n + 1 < edits.size() ? edits.get(n + 1).offset() : head.length();
            int shown0 = e.offset();
            int truth = e.offset();
            if (e.length() == 0 && !e.text().isEmpty()) {
                int[] c = candidates(text, e.offset() + shift, e.text().length(), lo + shift,
                        hi + shift + e.text().length());
                truth = fewestBreaks(c, e.text().length()) - shift;
                shown0 = endingWithNewline(text, c, e.text().length(), truth + shift) - shift;
            } else if (e.length() > 0 && e.text().isEmpty()) {
                int[] c = candidates(head, e.offset(), e.length(), lo, hi);
                truth = fullyMatched(c, e.length(), shift);
                shown0 = truth;
            }
            String inserted = e.text().isEmpty() ? "" : text.substring(truth + shift, truth + shift
                    + e.text().length());
            hunks.add(hunk(truth, e.length(), truth + shift, inserted.length()));
            int len = inserted.length();
            for (int i = 0; i < len; i++) {
                int displayAt = shown0 + shift + i;
                int truthAt = truth + shift + Math.floorMod(shown0 - truth + i, len);
                shownInserted[displayAt] = true;
                shown[displayAt] = typist[truthAt];
            }
            shift += e.text().length() - e.length();
        }
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
     * Records the hunk replacing HEAD {@code [hs, hs+hl)} by current {@code [ts, ts+tl)}: marks the inserted units
     * and their typists, matches the deleted HEAD units to tombstones in the gap and sets their deleters.
     */
    private Hunk hunk(int hs, int hl, int ts, int tl) {
        int te = ts + tl;
        for (int i = ts; i < te; i++) {
            inserted[i] = true;
            typist[i] = log.identityOfAgent(fAgent[visToFull[i]]);
        }
        List<int[]> steps = new ArrayList<>();
        int j = hs;
        int hEnd = hs + hl;
        int vi = ts;
        int[] gap = gap(ts, te);
        for (int f = gap[0]; f < gap[1]; f++) {
            if (!fDeleted[f]) {
                steps.add(new int[]{0, vi++});
            } else if (j < hEnd && fChar[f] == head.charAt(j)) {
                Set<GitIdentity> who = new LinkedHashSet<>();
                for (long s : log.deleters(fileId, fAgent[f], fSeq[f])) {
                    GitIdentity id = log.identityOfSession(s);
                    if (id != null) {
                        who.add(id);
                    }
                }
                deleters.set(j, who);
                steps.add(new int[]{1, j++});
            }
        }
        for (int u = j; u < hEnd; u++) {
            deleters.set(u, Set.of());
        }
        return new Hunk(hs, hEnd, ts, te, steps, hEnd - j);
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

    /**
     * Of the places an inserted block can take, the one whose units look most like what was typed: fewest breaks
     * in the ids (a typed run has consecutive seqs of one agent), ties to the leftmost.
     */
    private int fewestBreaks(int[] places, int len) {
        int best = places[0];
        int bestBreaks = Integer.MAX_VALUE;
        for (int p : places) {
            int breaks = 0;
            for (int i = p; i + 1 < p + len; i++) {
                int a = visToFull[i];
                int b = visToFull[i + 1];
                if (fAgent[a] != fAgent[b] || fSeq[b] != fSeq[a] + 1) {
                    breaks++;
                }
            }
            if (breaks < bestBreaks) {
                best = p;
                bestBreaks = breaks;
            }
        }
        return best;
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

    /** Of the places a HEAD deletion can take, the first whose every unit has its tombstone in the gap. */
    private int fullyMatched(int[] places, int len, int shift) {
        for (int p : places) {
            int[] gap = gap(p + shift, p + shift);
            int j = p;
            for (int f = gap[0]; f < gap[1] && j < p + len; f++) {
                if (fDeleted[f] && fChar[f] == head.charAt(j)) {
                    j++;
                }
            }
            if (j == p + len) {
                return p;
            }
        }
        return places[0];
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
                if (s[0] == 0) {
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
            if (s[0] == 0) {
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

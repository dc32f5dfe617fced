package dev.weft.client.workspace;

import dev.weft.client.text.MinimalDiff;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The three-way merge that turns changes made on disk into edits of a replica that may have moved on meanwhile.
 *
 * <p>{@code base} is the last text known to be both on disk and in the replica; {@code replica} is base plus remote
 * edits; {@code disk} is base plus changes made by other programs. The result is a list of replacements on the
 * replica that carry every disk change over: text deleted on disk is deleted from the replica where it still is;
 * text inserted on disk is inserted at the matching place (after a remote insertion at the same place). Remote
 * insertions are never deleted by a disk change, so nothing typed by anyone is lost; when both sides change the
 * same place, both texts remain (the user resolves, as in any merge).
 *
 * <pre>{@code
 * merge("ab\n", "aXb\n", "ab\nc\n") → replica edits giving "aXb\nc\n"
 * }</pre>
 */
public final class TextMerge {
    private TextMerge() {
    }

    /**
     * Replacements on {@code replica}, in <em>descending</em> offset order so that applying them one after another
     * (each on the result of the previous) is valid.
     */
    public static List<MinimalDiff.Edit> merge(String base, String replica, String disk) {
        List<MinimalDiff.Edit> remote = MinimalDiff.diff(base, replica);
        List<MinimalDiff.Edit> local = MinimalDiff.diff(base, disk);
        List<Op> ops = new ArrayList<>();
        int seq = 0;
        for (MinimalDiff.Edit e : local) {
            int insertAt = map(remote, e.offset());
            List<int[]> pieces = survivingPieces(remote, e.offset(), e.offset() + e.length());
            boolean merged = false;
            for (int[] piece : pieces) {
                int pos = map(remote, piece[0]);
                if (!merged && pos == insertAt) {
                    ops.add(new Op(pos, piece[1] - piece[0], e.text(), seq++));
                    merged = true;
                } else {
                    ops.add(new Op(pos, piece[1] - piece[0], "", seq++));
                }
            }
            if (!merged && !e.text().isEmpty()) {
                ops.add(new Op(insertAt, 0, e.text(), seq++));
            }
        }
        ops.sort(Comparator.comparingInt(Op::pos).thenComparingInt(Op::seq).reversed());
        List<MinimalDiff.Edit> out = new ArrayList<>(ops.size());
        for (Op o : ops) {
            if (o.length > 0 || !o.text.isEmpty()) {
                out.add(new MinimalDiff.Edit(o.pos, o.length, o.text));
            }
        }
        return out;
    }

    /** Applies {@link #merge}'s descending edits to {@code text}. */
    public static String applyDescending(String text, List<MinimalDiff.Edit> edits) {
        StringBuilder sb = new StringBuilder(text);
        for (MinimalDiff.Edit e : edits) {
            sb.replace(e.offset(), e.offset() + e.length(), e.text());
        }
        return sb.toString();
    }

    /**
     * Where the gap before base character {@code i} is in the replica: after any remote insertion at that gap;
     * at the end of the remote replacement if the character was deleted remotely.
     */
    private static int map(List<MinimalDiff.Edit> remote, int i) {
        int shift = 0;
        for (MinimalDiff.Edit r : remote) {
            if (r.offset() + r.length() <= i) {
                shift += r.text().length() - r.length();
            } else if (r.offset() < i) {
                return r.offset() + shift + r.text().length();
            } else {
                break;
            }
        }
        return i + shift;
    }

    /** Sub-ranges of base [from, to) that survive in the replica contiguously (remote edits cut them). */
    private static List<int[]> survivingPieces(List<MinimalDiff.Edit> remote, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int start = from;
        for (MinimalDiff.Edit r : remote) {
            int rs = r.offset();
            int re = r.offset() + r.length();
            if (re < start || rs >= to) {
                if (rs >= to) {
                    break;
                }
                continue;
            }
            if (rs > start) {
                out.add(new int[] {start, rs});
            }
            start = Math.max(start, re);
        }
        if (start < to) {
            out.add(new int[] {start, to});
        }
        return out;
    }

    /** One replica replacement before sorting; {@code seq} keeps disk order for equal offsets. */
    private record Op(int pos, int length, String text, int seq) {
    }
}

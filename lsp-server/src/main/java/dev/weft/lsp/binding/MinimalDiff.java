package dev.weft.lsp.binding;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.weft.crdt.model.TextChange;

import java.util.ArrayList;
import java.util.List;

/**
 * Reduces a whole-document replacement to small edits, so a reload, a formatter or a Full-sync client does not
 * delete and re-insert everyone's text (which would destroy concurrent edits and cursors).
 *
 * <p>Method: strip the common prefix and suffix (O(n)); if what remains on both sides is short, it is one edit.
 * Otherwise diff the remaining middle by lines with Myers' algorithm (java-diff-utils) and, inside each changed
 * block of lines, strip common prefix/suffix again. Never splits a surrogate pair or a {@code \r\n} pair.
 */
public final class MinimalDiff {
    /** Middles shorter than this (on both sides) are emitted as one replacement without a line diff. */
    private static final int SMALL = 256;

    private MinimalDiff() {
    }

    /**
     * Edits turning {@code a} into {@code b}.
     *
     * @return changes in ascending document order, each relative to the text after the previous ones (so they
     *         apply sequentially); empty if {@code a.equals(b)}. Each change may both delete and insert.
     */
    public static List<TextChange> diff(String a, String b) {
        List<TextChange> out = new ArrayList<>();
        int prefix = commonPrefix(a, 0, a.length(), b, 0, b.length());
        int suffix = commonSuffix(a, prefix, a.length(), b, prefix, b.length());
        int aEnd = a.length() - suffix;
        int bEnd = b.length() - suffix;
        if (prefix == aEnd && prefix == bEnd) {
            return out;
        }
        if (aEnd - prefix < SMALL || bEnd - prefix < SMALL) {
            out.add(new TextChange(prefix, aEnd - prefix, b.substring(prefix, bEnd)));
            return out;
        }
        List<String> aLines = lines(a, prefix, aEnd);
        List<String> bLines = lines(b, prefix, bEnd);
        Patch<String> patch = DiffUtils.diff(aLines, bLines);
        int[] aStarts = starts(aLines, prefix);
        int[] bStarts = starts(bLines, prefix);
        int shift = 0; // (length of b-so-far) - (length of a-so-far) for applied changes
        for (AbstractDelta<String> d : patch.getDeltas()) {
            int as = aStarts[d.getSource().getPosition()];
            int ae = aStarts[d.getSource().getPosition() + d.getSource().size()];
            int bs = bStarts[d.getTarget().getPosition()];
            int be = bStarts[d.getTarget().getPosition() + d.getTarget().size()];
            int p = commonPrefix(a, as, ae, b, bs, be);
            int s = commonSuffix(a, as + p, ae, b, bs + p, be);
            int delLen = ae - s - (as + p);
            String ins = b.substring(bs + p, be - s);
            if (delLen == 0 && ins.isEmpty()) {
                continue;
            }
            out.add(new TextChange(as + p + shift, delLen, ins));
            shift += ins.length() - delLen;
        }
        return out;
    }

    /** Lines of {@code s[from, to)}, each with its line break. */
    private static List<String> lines(String s, int from, int to) {
        List<String> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= to || s.charAt(i + 1) != '\n'))) {
                out.add(s.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < to) {
            out.add(s.substring(start, to));
        }
        return out;
    }

    private static int[] starts(List<String> lines, int base) {
        int[] st = new int[lines.size() + 1];
        st[0] = base;
        for (int i = 0; i < lines.size(); i++) {
            st[i + 1] = st[i] + lines.get(i).length();
        }
        return st;
    }

    private static int commonPrefix(String a, int as, int ae, String b, int bs, int be) {
        int n = Math.min(ae - as, be - bs);
        int i = 0;
        while (i < n && a.charAt(as + i) == b.charAt(bs + i)) {
            i++;
        }
        // Never end inside a surrogate pair or between \r and \n.
        while (i > 0 && (splits(a, as + i) || splits(b, bs + i))) {
            i--;
        }
        return i;
    }

    private static int commonSuffix(String a, int as, int ae, String b, int bs, int be) {
        int n = Math.min(ae - as, be - bs);
        int i = 0;
        while (i < n && a.charAt(ae - 1 - i) == b.charAt(be - 1 - i)) {
            i++;
        }
        while (i > 0 && (splits(a, ae - i) || splits(b, be - i))) {
            i--;
        }
        return i;
    }

    /** True if offset {@code k} of {@code s} lies inside a surrogate pair or a {@code \r\n} pair. */
    private static boolean splits(String s, int k) {
        if (k <= 0 || k >= s.length()) {
            return false;
        }
        char before = s.charAt(k - 1);
        char after = s.charAt(k);
        return (Character.isHighSurrogate(before) && Character.isLowSurrogate(after))
                || (before == '\r' && after == '\n');
    }
}

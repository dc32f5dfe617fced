package dev.weft.client.text;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import dev.weft.crdt.model.TextChange;
import java.util.ArrayList;
import java.util.List;

/**
 * A small diff from one text to another as a few replacements, so a reload, a formatter, a full-sync editor or a
 * file changed on disk does not delete and re-insert everyone's text (which would destroy concurrent edits and
 * cursors). The language server's binding ({@link #changes}) and the folder's three-way merge ({@link #diff}) both
 * use it.
 *
 * <p>Method: strip the common prefix and suffix (O(n)); if what remains is short or one line on either side, it is
 * one replacement. Otherwise diff the remaining middle by lines with Myers' algorithm (java-diff-utils) and, inside
 * each changed block of lines, strip common prefix and suffix again. Never splits a surrogate pair or a
 * {@code \r\n} pair.
 *
 * <p>Example: {@code diff("a\nb\nc\n", "a\nB\nc\nd\n")} → {@code [(2, 1, "B"), (6, 0, "d\n")]}.
 */
public final class MinimalDiff {
    /** In {@link #changes}, middles shorter than this (on either side) are one replacement without a line diff. */
    private static final int SMALL = 256;

    private MinimalDiff() {
    }

    /**
     * One replacement in the old text. Immutable.
     *
     * @param offset UTF-16 offset in the old text
     * @param length UTF-16 units of the old text replaced (0 = pure insertion)
     * @param text   what replaces them ("" = pure deletion)
     */
    public record Edit(int offset, int length, String text) {
    }

    /**
     * Replacements turning {@code a} into {@code b}, line-diffed whenever both middles have more than one line.
     *
     * @return ascending, non-overlapping replacements with offsets in {@code a}; empty if {@code a.equals(b)}
     */
    public static List<Edit> diff(String a, String b) {
        return diff(a, b, 0);
    }

    /**
     * Edits turning {@code a} into {@code b} for a replica: middles under 256 characters are one change.
     *
     * @return changes in ascending document order, each relative to the text after the previous ones (so they
     *         apply sequentially); empty if {@code a.equals(b)}. Each change may both delete and insert.
     */
    public static List<TextChange> changes(String a, String b) {
        List<TextChange> out = new ArrayList<>();
        int shift = 0; // (length of b-so-far) - (length of a-so-far) for applied changes
        for (Edit e : diff(a, b, SMALL)) {
            out.add(new TextChange(e.offset() + shift, e.length(), e.text()));
            shift += e.text().length() - e.length();
        }
        return out;
    }

    /** Applies ascending, non-overlapping edits to {@code a}. */
    public static String apply(String a, List<Edit> edits) {
        StringBuilder sb = new StringBuilder();
        int at = 0;
        for (Edit e : edits) {
            sb.append(a, at, e.offset()).append(e.text());
            at = e.offset() + e.length();
        }
        return sb.append(a, at, a.length()).toString();
    }

    /** {@link #diff(String, String)} where middles shorter than {@code small} on either side are one edit. */
    private static List<Edit> diff(String a, String b, int small) {
        List<Edit> out = new ArrayList<>();
        int prefix = commonPrefix(a, 0, a.length(), b, 0, b.length());
        int suffix = commonSuffix(a, prefix, a.length(), b, prefix, b.length());
        int aEnd = a.length() - suffix;
        int bEnd = b.length() - suffix;
        if (prefix == aEnd && prefix == bEnd) {
            return out;
        }
        List<String> aLines = lines(a, prefix, aEnd);
        List<String> bLines = lines(b, prefix, bEnd);
        if (aEnd - prefix < small || bEnd - prefix < small || aLines.size() <= 1 || bLines.size() <= 1) {
            out.add(new Edit(prefix, aEnd - prefix, b.substring(prefix, bEnd)));
            return out;
        }
        int[] aStarts = starts(aLines, prefix);
        int[] bStarts = starts(bLines, prefix);
        for (AbstractDelta<String> d : DiffUtils.diff(aLines, bLines).getDeltas()) {
            int as = aStarts[d.getSource().getPosition()];
            int ae = aStarts[d.getSource().getPosition() + d.getSource().size()];
            int bs = bStarts[d.getTarget().getPosition()];
            int be = bStarts[d.getTarget().getPosition() + d.getTarget().size()];
            int p = commonPrefix(a, as, ae, b, bs, be);
            int s = commonSuffix(a, as + p, ae, b, bs + p, be);
            if (as + p < ae - s || bs + p < be - s) {
                out.add(new Edit(as + p, ae - s - as - p, b.substring(bs + p, be - s)));
            }
        }
        return out;
    }

    /** Lines of {@code s[from, to)}, each with its line break ({@code \n}, {@code \r\n} or a lone {@code \r}). */
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

    /** Offsets where each line starts, from {@code base}, plus the end. */
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

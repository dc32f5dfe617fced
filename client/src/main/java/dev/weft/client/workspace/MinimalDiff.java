package dev.weft.client.workspace;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import java.util.ArrayList;
import java.util.List;

/**
 * A small diff from one text to another as a few replacements: common prefix and suffix are trimmed, the middle is
 * diffed line by line (Myers, java-diff-utils), and each changed line block is trimmed again to the characters that
 * differ. Never splits a surrogate pair.
 *
 * <p>Example: {@code diff("a\nb\nc\n", "a\nB\nc\nd\n")} → {@code [(2, 1, "B"), (6, 0, "d\n")]}.
 */
public final class MinimalDiff {
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

    /** Replacements turning {@code a} into {@code b}: ascending, non-overlapping, offsets in {@code a}. */
    public static List<Edit> diff(String a, String b) {
        List<Edit> out = new ArrayList<>();
        int prefix = commonPrefix(a, b, 0, a.length(), 0, b.length());
        int suffix = commonSuffix(a, b, prefix, a.length(), prefix, b.length());
        int aEnd = a.length() - suffix;
        int bEnd = b.length() - suffix;
        if (prefix == aEnd && prefix == bEnd) {
            return out;
        }
        List<int[]> aLines = lines(a, prefix, aEnd);
        List<int[]> bLines = lines(b, prefix, bEnd);
        if (aLines.size() <= 1 || bLines.size() <= 1) {
            out.add(new Edit(prefix, aEnd - prefix, b.substring(prefix, bEnd)));
            return out;
        }
        List<String> aText = texts(a, aLines);
        List<String> bText = texts(b, bLines);
        for (AbstractDelta<String> d : DiffUtils.diff(aText, bText).getDeltas()) {
            int as = start(aLines, d.getSource().getPosition(), aEnd);
            int ae = start(aLines, d.getSource().getPosition() + d.getSource().size(), aEnd);
            int bs = start(bLines, d.getTarget().getPosition(), bEnd);
            int be = start(bLines, d.getTarget().getPosition() + d.getTarget().size(), bEnd);
            int p = commonPrefix(a, b, as, ae, bs, be);
            int s = commonSuffix(a, b, as + p, ae, bs + p, be);
            if (as + p < ae - s || bs + p < be - s) {
                out.add(new Edit(as + p, ae - s - as - p, b.substring(bs + p, be - s)));
            }
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

    private static int start(List<int[]> lines, int index, int end) {
        return index < lines.size() ? lines.get(index)[0] : end;
    }

    private static List<int[]> lines(String s, int from, int to) {
        List<int[]> out = new ArrayList<>();
        int start = from;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '\n') {
                out.add(new int[] {start, i + 1});
                start = i + 1;
            }
        }
        if (start < to) {
            out.add(new int[] {start, to});
        }
        return out;
    }

    private static List<String> texts(String s, List<int[]> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (int[] l : lines) {
            out.add(s.substring(l[0], l[1]));
        }
        return out;
    }

    private static int commonPrefix(String a, String b, int as, int ae, int bs, int be) {
        int n = Math.min(ae - as, be - bs);
        int i = 0;
        while (i < n && a.charAt(as + i) == b.charAt(bs + i)) {
            i++;
        }
        if (i > 0 && Character.isHighSurrogate(a.charAt(as + i - 1)) && i < n + 1) {
            i--; // the pair's second half differs (or is cut off): keep the pair whole
        }
        return i;
    }

    private static int commonSuffix(String a, String b, int as, int ae, int bs, int be) {
        int n = Math.min(ae - as, be - bs);
        int i = 0;
        while (i < n && a.charAt(ae - 1 - i) == b.charAt(be - 1 - i)) {
            i++;
        }
        if (i > 0 && Character.isLowSurrogate(a.charAt(ae - i))) {
            i--;
        }
        return i;
    }
}

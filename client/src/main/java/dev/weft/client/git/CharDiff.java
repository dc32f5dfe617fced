package dev.weft.client.git;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import dev.weft.client.workspace.MinimalDiff;
import java.util.ArrayList;
import java.util.List;

/**
 * A character-level diff: {@link MinimalDiff}'s line-level replacements, each refined by a Myers diff over code
 * points, so two changes in one line by two people become two replacements (never splitting a surrogate pair).
 * Blocks larger than {@value #MAX_REFINE_PRODUCT} (old × new code points) stay whole.
 */
final class CharDiff {
    static final long MAX_REFINE_PRODUCT = 4_000_000L;

    private CharDiff() {
    }

    /**
     * Ascending, non-overlapping replacements turning {@code a} into {@code b}; offsets in {@code a}. A pure
     * insertion or deletion that could sit at several places (repeated characters around it) is placed, as git
     * does, so that it ends with a line break when one of its places allows it: appending a line is an
     * insertion of that whole line, not of the previous line's {@code \n} plus the new line's text.
     */
    static List<MinimalDiff.Edit> diff(String a, String b) {
        List<MinimalDiff.Edit> raw = refine(a, b);
        List<MinimalDiff.Edit> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            int lo = out.isEmpty() ? 0 : out.get(out.size() - 1).offset() + out.get(out.size() - 1).length();
            int hi = i + 1 < raw.size() ? raw.get(i + 1).offset() : a.length();
            out.add(slide(a, raw.get(i), lo, hi));
        }
        return out;
    }

    /** {@code e} moved within {@code [lo, hi]} of {@code a} to end with a line break, if it is a pure insertion or deletion. */
    private static MinimalDiff.Edit slide(String a, MinimalDiff.Edit e, int lo, int hi) {
        boolean insertion = e.length() == 0;
        if (insertion == e.text().isEmpty()) {
            return e;   // a replacement (or nothing): one place only
        }
        // The moving block: inserted text, or the deleted part of a.
        String block = insertion ? e.text() : a.substring(e.offset(), e.offset() + e.length());
        int off = e.offset();
        int end = insertion ? off : off + e.length();
        // Slide left as far as possible.
        while (off > lo && a.charAt(off - 1) == block.charAt(block.length() - 1)
                && !Character.isSurrogate(a.charAt(off - 1))) {
            block = a.charAt(off - 1) + block.substring(0, block.length() - 1);
            off--;
            end--;
        }
        String best = block.endsWith("\n") ? block : null;
        int bestOff = off;
        while (end < hi && a.charAt(end) == block.charAt(0) && !Character.isSurrogate(a.charAt(end))) {
            block = block.substring(1) + a.charAt(end);
            off++;
            end++;
            if (block.endsWith("\n")) {
                best = block;
                bestOff = off;
            }
        }
        if (best == null) {
            return e;
        }
        return insertion ? new MinimalDiff.Edit(bestOff, 0, best) : new MinimalDiff.Edit(bestOff, best.length(), "");
    }

    private static List<MinimalDiff.Edit> refine(String a, String b) {
        List<MinimalDiff.Edit> out = new ArrayList<>();
        for (MinimalDiff.Edit e : MinimalDiff.diff(a, b)) {
            String old = a.substring(e.offset(), e.offset() + e.length());
            String neu = e.text();
            if (old.isEmpty() || neu.isEmpty() || (long) old.length() * neu.length() > MAX_REFINE_PRODUCT) {
                out.add(e);
                continue;
            }
            int[] oc = old.codePoints().toArray();
            int[] nc = neu.codePoints().toArray();
            int[] oOff = offsets(oc);
            int[] nOff = offsets(nc);
            List<Integer> ol = new ArrayList<>(oc.length);
            for (int c : oc) {
                ol.add(c);
            }
            List<Integer> nl = new ArrayList<>(nc.length);
            for (int c : nc) {
                nl.add(c);
            }
            for (AbstractDelta<Integer> d : DiffUtils.diff(ol, nl).getDeltas()) {
                int os = oOff[d.getSource().getPosition()];
                int oe = oOff[d.getSource().getPosition() + d.getSource().size()];
                int ns = nOff[d.getTarget().getPosition()];
                int ne = nOff[d.getTarget().getPosition() + d.getTarget().size()];
                out.add(new MinimalDiff.Edit(e.offset() + os, oe - os, neu.substring(ns, ne)));
            }
        }
        return out;
    }

    /** UTF-16 offset of each code point, plus the total length at the end. */
    private static int[] offsets(int[] cps) {
        int[] off = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) {
            off[i + 1] = off[i] + Character.charCount(cps[i]);
        }
        return off;
    }
}

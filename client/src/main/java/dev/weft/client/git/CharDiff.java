package dev.weft.client.git;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import dev.weft.client.text.MinimalDiff;
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
     * Ascending, non-overlapping replacements turning {@code a} into {@code b}; offsets in {@code a}. Where an
     * insertion or deletion could sit at several places (repeated characters), the place is arbitrary:
     * {@link Attribution} chooses among them with the CRDT's ids.
     */
    static List<MinimalDiff.Edit> diff(String a, String b) {
        return refine(a, b);
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

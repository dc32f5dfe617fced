package dev.weft.bench.trace;

import java.util.Arrays;

/**
 * Converts the code-point positions of a sequential trace into UTF-16 offsets by following the document's
 * supplementary characters (those above U+FFFF, two UTF-16 units each) through the patches.
 *
 * <p>Only the supplementary characters are tracked, not the text: a code-point position {@code p} maps to
 * {@code p + (number of supplementary characters before it)}. With no such character in the document, a patch is
 * returned unchanged, so the usual trace costs almost nothing. Each patch costs O(k) for k supplementary
 * characters currently in the document (a handful in {@code egwalker}).
 *
 * <p>Also checks that every patch lies inside the document, so a corrupt trace is refused while reading.
 */
final class CodePointConverter {

    /** UTF-16 offsets of the high surrogate of every supplementary character in the document, ascending. Mutable. */
    private int[] astral = new int[8];
    /** Number of used entries of {@link #astral}. */
    private int size;
    /** Current document length in code points. */
    private long codePointLength;

    /**
     * Converts one patch given in code points and advances the tracked document past it.
     *
     * @throws IllegalArgumentException naming the problem if the patch lies outside the document
     */
    Patch convert(long cpPos, long cpDelete, String insert) {
        if (cpPos < 0 || cpDelete < 0) {
            throw new IllegalArgumentException("negative position " + cpPos + " or delete count " + cpDelete);
        }
        if (cpPos + cpDelete > codePointLength) {
            throw new IllegalArgumentException("patch [" + cpPos + ", " + (cpPos + cpDelete)
                    + ") lies outside the document of " + codePointLength + " code points");
        }
        int insertedCodePoints = insert.codePointCount(0, insert.length());
        codePointLength += insertedCodePoints - cpDelete;
        boolean insertHasAstral = insertedCodePoints != insert.length();
        if (size == 0 && !insertHasAstral) {
            return new Patch((int) cpPos, (int) cpDelete, insert);
        }
        int start = toUtf16(cpPos);
        int end = toUtf16(cpPos + cpDelete);
        int removedUnits = end - start;
        // Drop the deleted supplementary characters, shift the later ones left by the deletion and right by the insertion.
        int w = 0;
        for (int r = 0; r < size; r++) {
            int a = astral[r];
            if (a >= start && a < end) {
                continue;
            }
            astral[w++] = a >= end ? a - removedUnits + insert.length() : a;
        }
        size = w;
        if (insertHasAstral) {
            int[] added = new int[insert.length() - insertedCodePoints];
            int n = 0;
            for (int i = 0; i < insert.length() - 1; i++) {
                if (Character.isHighSurrogate(insert.charAt(i)) && Character.isLowSurrogate(insert.charAt(i + 1))) {
                    added[n++] = start + i;
                    i++;
                }
            }
            if (size + n > astral.length) {
                astral = Arrays.copyOf(astral, Math.max(astral.length * 2, size + n));
            }
            for (int i = 0; i < n; i++) {
                astral[size++] = added[i];
            }
            Arrays.sort(astral, 0, size);
        }
        return new Patch(start, removedUnits, insert);
    }

    /** UTF-16 offset of code-point position {@code cp} in the current document. */
    private int toUtf16(long cp) {
        int before = 0;
        // astral[i] - i is the code-point index of the i-th supplementary character; it increases with i.
        while (before < size && astral[before] - before < cp) {
            before++;
        }
        return (int) (cp + before);
    }
}

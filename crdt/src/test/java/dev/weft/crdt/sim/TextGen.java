package dev.weft.crdt.sim;

import java.util.SplittableRandom;

/**
 * Seeded generators for text and positions that respect UTF-16 surrogate pairs: generated strings consist of
 * whole code points (ASCII, Latin-1, CJK and emoji outside the BMP), and positions are snapped so they never
 * fall between the two halves of a pair.
 */
public final class TextGen {
    /** Code points drawn by {@link #codePoint}: weighted towards ASCII, with accents, CJK and astral emoji. */
    private static final int[] SPECIAL = {
        0xE9, 0xFC, 0x4E2D, 0x6587, 0x1F600, 0x1F389, 0x1F44D, 0x1F680, 0x10348, 0x1D11E, '\n', ' '
    };

    private TextGen() {
    }

    /** One random code point; about a fifth are outside ASCII, half of those astral (two UTF-16 units). */
    public static int codePoint(SplittableRandom rnd) {
        if (rnd.nextInt(5) == 0) {
            return SPECIAL[rnd.nextInt(SPECIAL.length)];
        }
        return 'a' + rnd.nextInt(26);
    }

    /** A string of {@code codePoints} random code points. */
    public static String text(SplittableRandom rnd, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            sb.appendCodePoint(codePoint(rnd));
        }
        return sb.toString();
    }

    /** A string that is mostly astral emoji, to stress surrogate handling. */
    public static String emoji(SplittableRandom rnd, int codePoints) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            sb.appendCodePoint(rnd.nextInt(4) == 0 ? 'a' + rnd.nextInt(26) : 0x1F600 + rnd.nextInt(0x40));
        }
        return sb.toString();
    }

    /** True if offset {@code pos} of {@code s} lies between a high and a low surrogate. */
    public static boolean splitsPair(CharSequence s, int pos) {
        return pos > 0 && pos < s.length()
            && Character.isHighSurrogate(s.charAt(pos - 1)) && Character.isLowSurrogate(s.charAt(pos));
    }

    /** {@code pos} clamped to {@code [0, s.length()]} and moved left off the middle of a surrogate pair. */
    public static int snap(CharSequence s, int pos) {
        int p = Math.max(0, Math.min(pos, s.length()));
        return splitsPair(s, p) ? p - 1 : p;
    }

    /** A random offset in {@code [0, s.length()]} that does not split a surrogate pair. */
    public static int position(SplittableRandom rnd, CharSequence s) {
        return snap(s, rnd.nextInt(s.length() + 1));
    }

    /** Length in UTF-16 units of the code point starting at {@code pos} (0 at the end). */
    public static int unitAt(CharSequence s, int pos) {
        if (pos >= s.length()) {
            return 0;
        }
        return Character.isHighSurrogate(s.charAt(pos)) && pos + 1 < s.length() ? 2 : 1;
    }

    /** Length in UTF-16 units of the code point ending at {@code pos} (0 at the start). */
    public static int unitBefore(CharSequence s, int pos) {
        if (pos <= 0) {
            return 0;
        }
        return Character.isLowSurrogate(s.charAt(pos - 1)) && pos >= 2 ? 2 : 1;
    }

    /** Throws if {@code s} contains an unpaired surrogate. */
    public static void assertWellFormed(String s, String context) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new AssertionError(context + ": unpaired high surrogate at " + i);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new AssertionError(context + ": unpaired low surrogate at " + i);
            }
        }
    }
}

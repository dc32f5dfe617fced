package dev.weft.client.presence;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The colour a participant gets when none is configured: a palette entry chosen by a 32-bit FNV-1a hash of the
 * name's UTF-16 code units, so the same person has the same colour in every editor and every session.
 *
 * <pre>{@code
 * DefaultColors.assign(null, "alice");      // "#911eb4"  (palette[fnv1a("alice") % 12])
 * DefaultColors.assign("#A1B2C3", "alice"); // "#a1b2c3"  (a valid configured colour wins, lower-cased)
 * }</pre>
 *
 * <p>The VS Code extension computes the same rule in {@code colors.ts}; both test suites check their rule against
 * {@code docs/test-vectors/colors.json}, so the two cannot drift apart.
 */
public final class DefaultColors {
    /** Distinct colours readable on dark and light themes, in the order the hash indexes them. Immutable. */
    public static final List<String> PALETTE = List.of("#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4",
            "#008080", "#f032e6", "#9a6324", "#800000", "#808000", "#000075", "#2f9e9e");

    private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");

    private DefaultColors() {
    }

    /**
     * The colour for a participant: {@code configured} lower-cased if it is a {@code #rrggbb} colour, otherwise the
     * palette colour of {@code name}.
     *
     * <p>Postcondition: the result is a lower-case {@code #rrggbb}.
     */
    public static String assign(String configured, String name) {
        if (isHexColor(configured)) {
            return configured.toLowerCase(Locale.ROOT);
        }
        return forName(name);
    }

    /** The palette colour of {@code name} ({@code null} counts as the empty name). */
    public static String forName(String name) {
        return PALETTE.get((int) Long.remainderUnsigned(fnv1a(name == null ? "" : name), PALETTE.size()));
    }

    /** Whether {@code c} is a {@code #rrggbb} colour. */
    public static boolean isHexColor(String c) {
        return c != null && HEX.matcher(c).matches();
    }

    /** 32-bit FNV-1a over the UTF-16 code units of {@code s}, as an unsigned value in a {@code long}. */
    static long fnv1a(String s) {
        int h = 0x811c9dc5;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x01000193;
        }
        return Integer.toUnsignedLong(h);
    }
}

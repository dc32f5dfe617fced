package dev.weft.client.journal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Maps document and room names to file names that every common file system accepts: URL-encoded, and, when the
 * encoding would exceed {@link #MAX_FILE_NAME_BYTES} (Linux and macOS refuse names over 255 bytes; a room document
 * name may have 1024), a readable prefix of the encoding followed by {@code ~} and a SHA-256 of the name.
 *
 * <pre>{@code
 * encode("a/b.md", ".weft")          == "a%2Fb.md.weft"
 * encode("x".repeat(300), ".weft")   == "xxx…x~3f2a…(40 hex).weft"   // 170 bytes; the real name is in the file
 * }</pre>
 *
 * <p>{@link URLEncoder} escapes {@code ~}, so a name containing {@code ~} was hashed: its real name is stored in
 * the journal file ({@link Journal}) and {@link #decode(String, String)} answers empty for it.
 */
final class JournalFileNames {
    /** Longest file name produced, in bytes (all produced names are ASCII). Well under the usual 255-byte limit. */
    static final int MAX_FILE_NAME_BYTES = 200;
    /** Encoded characters kept in front of the hash, so that a listing stays readable. */
    static final int PREFIX_CHARS = 120;
    /** Hex digits of the SHA-256 kept (160 bits: collisions are not a practical concern). */
    static final int HASH_HEX_DIGITS = 40;
    /** Separates the prefix from the hash; never produced by {@link URLEncoder}. */
    static final char HASH_MARK = '~';

    private JournalFileNames() {
    }

    /**
     * The file name for {@code name} ending in {@code suffix} (ASCII, at most {@link #MAX_FILE_NAME_BYTES} bytes
     * including the suffix).
     */
    static String encode(String name, String suffix) {
        String enc = URLEncoder.encode(name, StandardCharsets.UTF_8);
        if (enc.length() + suffix.length() <= MAX_FILE_NAME_BYTES) {
            return enc + suffix;
        }
        int cut = Math.min(PREFIX_CHARS, enc.length());
        // Do not cut a %XX escape in two.
        int pct = enc.lastIndexOf('%', cut - 1);
        if (pct >= 0 && pct + 3 > cut) {
            cut = pct;
        }
        return enc.substring(0, cut) + HASH_MARK + sha256Hex(name).substring(0, HASH_HEX_DIGITS) + suffix;
    }

    /** True if {@code fileName} was produced by hashing (its real name must be read from the file). */
    static boolean isHashed(String fileName) {
        return fileName.indexOf(HASH_MARK) >= 0;
    }

    /**
     * The name {@code fileName} was produced from, or empty if it was hashed.
     *
     * @throws IllegalArgumentException if {@code fileName} does not end with {@code suffix}
     */
    static Optional<String> decode(String fileName, String suffix) {
        if (!fileName.endsWith(suffix)) {
            throw new IllegalArgumentException(fileName + " does not end with " + suffix);
        }
        if (isHashed(fileName)) {
            return Optional.empty();
        }
        return Optional.of(URLDecoder.decode(fileName.substring(0, fileName.length() - suffix.length()),
                StandardCharsets.UTF_8));
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}

package dev.weft.client.paths;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides whether a workspace-relative path (as it travels in the workspace tree, {@code /}-separated) may be
 * written to disk. A path from the room is untrusted input: a hostile peer could name {@code ../../.bashrc}.
 *
 * <p>Rules (each refusal names the rule): 1–1024 UTF-8 bytes; each segment 1–255 bytes; no leading {@code /},
 * no drive letter ({@code C:}), no {@code \}; no empty, {@code .} or {@code ..} segment; no control character
 * (U+0000–U+001F, U+007F) anywhere; no segment ending in a space or a dot (Windows strips them, which would let two
 * names meet on disk). Case-fold collisions are a property of a set of names, not of one path:
 * {@link #caseFoldKey(String)} gives the key under which two names would meet on a case-insensitive disk.
 */
public final class PathValidator {
    /** Longest path, in UTF-8 bytes (as the relay's document names, {@code docs/protocol.md}). */
    public static final int MAX_PATH_BYTES = 1024;
    /** Longest segment, in UTF-8 bytes (the usual file system limit). */
    public static final int MAX_SEGMENT_BYTES = 255;

    private PathValidator() {
    }

    /**
     * Checks {@code path}.
     *
     * @throws BadPathException naming the broken rule
     */
    public static String validate(String path) {
        if (path == null || path.isEmpty()) {
            throw new BadPathException("empty path");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new BadPathException("path longer than " + MAX_PATH_BYTES + " bytes: '" + abbreviate(path) + "'");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadPathException("control character U+" + String.format("%04X", (int) c) + " in path '"
                        + printable(path) + "'");
            }
            if (c == '\\') {
                throw new BadPathException("backslash in path '" + path + "'");
            }
        }
        if (path.startsWith("/")) {
            throw new BadPathException("absolute path '" + path + "'");
        }
        if (path.length() >= 2 && path.charAt(1) == ':' && Character.isLetter(path.charAt(0))) {
            throw new BadPathException("drive path '" + path + "'");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new BadPathException("empty segment in path '" + path + "'");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new BadPathException("'" + segment + "' segment in path '" + path + "'");
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new BadPathException("segment longer than " + MAX_SEGMENT_BYTES + " bytes in path '"
                        + abbreviate(path) + "'");
            }
            char last = segment.charAt(segment.length() - 1);
            if (last == ' ' || last == '.') {
                throw new BadPathException("segment ending in '" + last + "' in path '" + path + "'");
            }
        }
        return path;
    }

    /** True if {@link #validate(String)} accepts {@code path}. */
    public static boolean isValid(String path) {
        try {
            validate(path);
            return true;
        } catch (BadPathException e) {
            return false;
        }
    }

    /**
     * The key under which two paths name the same file on a case-insensitive disk (macOS, Windows): two live files
     * with equal keys must not both be written.
     */
    public static String caseFoldKey(String path) {
        return java.text.Normalizer.normalize(path, java.text.Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? "\\u" + String.format("%04x", (int) c) : String.valueOf(c));
        }
        return abbreviate(b.toString());
    }
}

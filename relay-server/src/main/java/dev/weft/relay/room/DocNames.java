package dev.weft.relay.room;

import java.nio.charset.StandardCharsets;

/** Validation of document names (workspace-relative paths, docs/protocol.md "Document names"). */
public final class DocNames {
    /** Longest accepted name in UTF-8 bytes. */
    public static final int MAX_BYTES = 1024;

    private DocNames() {
    }

    /** Why {@code name} is not an acceptable document name, or null if it is. */
    public static String problem(String name) {
        if (name.isEmpty()) {
            return "document name is empty";
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "document name is longer than " + MAX_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "document name contains control character U+" + String.format("%04X", (int) c);
            }
            if (c == '\\') {
                return "document name contains '\\' (use '/' as separator)";
            }
        }
        if (name.startsWith("/")) {
            return "document name must be workspace-relative, not start with '/'";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "document name has an empty, '.' or '..' path segment";
            }
        }
        return null;
    }
}

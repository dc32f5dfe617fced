package dev.weft.lsp.session;

import java.net.URI;
import java.nio.file.Path;

/**
 * Maps editor URIs to the names documents have in a room (workspace-relative paths with {@code /}) and back.
 * Immutable.
 */
public final class WorkspaceNames {
    /** Workspace root, or null when the editor gave none (names are then bare file names). Immutable. */
    private final Path root;

    public WorkspaceNames(Path root) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The local path of a {@code file:} URI. @throws IllegalArgumentException for other schemes */
    public static Path pathOf(String uri) {
        URI u = URI.create(uri);
        if (!"file".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("only file: URIs can be shared, got " + uri);
        }
        return Path.of(u).toAbsolutePath().normalize();
    }

    /** The room name of a document: its path relative to the workspace root, or its file name outside it. */
    public String nameOf(String uri) {
        Path p = pathOf(uri);
        if (root != null && p.startsWith(root) && !p.equals(root)) {
            return root.relativize(p).toString().replace('\\', '/');
        }
        return p.getFileName().toString();
    }

    /**
     * Where a room document named {@code name} lives locally under {@code base} (the workspace root or a separate
     * folder).
     *
     * @throws IllegalArgumentException if the name is absolute or escapes the base with {@code ..}
     */
    public static Path resolve(Path base, String name) {
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.contains(":")) {
            throw new IllegalArgumentException("room document name '" + name + "' is not a relative path");
        }
        Path p = base.resolve(name).normalize();
        if (!p.startsWith(base.normalize())) {
            throw new IllegalArgumentException("room document name '" + name + "' escapes the workspace");
        }
        return p;
    }

    /** The URI string the server uses for a local path. */
    public static String uriOf(Path p) {
        return p.toAbsolutePath().normalize().toUri().toString();
    }
}

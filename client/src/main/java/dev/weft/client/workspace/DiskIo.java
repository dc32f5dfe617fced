package dev.weft.client.workspace;

import dev.weft.client.paths.AtomicReplace;
import dev.weft.client.paths.BadPathException;
import dev.weft.client.paths.PathValidator;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Every disk write of a shared folder goes through here: paths are validated and confined to the root (no
 * {@code ..}, no symbolic link on the way, never into {@code .git/} or another always-excluded name), and files are
 * replaced atomically (a temp file in the same directory, then rename) keeping the old file's mode bits.
 */
public final class DiskIo {
    /** The engine's own parking names for a file that makes way for another ({@code .weft-move-<id>.tmp}). */
    private static final java.util.regex.Pattern PARKED = java.util.regex.Pattern.compile(
            "([^/]+/)*\\.weft-move-[0-9a-f]{16}\\.tmp");

    /** The root (absolute, real path); immutable. */
    private final Path root;

    public DiskIo(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize().toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * The file for {@code relPath}, after checking it may be written.
     *
     * @throws BadPathException if the path is invalid, always excluded, or a directory on its way is a symbolic
     *                          link or a file
     */
    public Path resolveWritable(String relPath) {
        PathValidator.validate(relPath);
        if (IgnoreRules.alwaysExcluded(relPath, false) && !PARKED.matcher(relPath).matches()) {
            throw new BadPathException("refusing to write always-excluded path '" + relPath + "'");
        }
        Path p = root;
        String[] segments = relPath.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            p = p.resolve(segments[i]);
            if (Files.isSymbolicLink(p)) {
                throw new BadPathException("refusing to write '" + relPath + "': '" + root.relativize(p)
                        + "' is a symbolic link");
            }
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new BadPathException("refusing to write '" + relPath + "': '" + root.relativize(p)
                        + "' is not a directory");
            }
        }
        Path file = p.resolve(segments[segments.length - 1]);
        if (!file.normalize().startsWith(root)) {
            throw new BadPathException("path '" + relPath + "' leaves the shared root");
        }
        if (Files.isSymbolicLink(file)) {
            throw new BadPathException("refusing to replace symbolic link '" + relPath + "'");
        }
        return file;
    }

    /** Replaces (or creates) {@code relPath} with {@code bytes} atomically; returns the new stamp. */
    public DiskStamp write(String relPath, byte[] bytes) throws IOException {
        Path file = resolveWritable(relPath);
        Files.createDirectories(file.getParent());
        Set<PosixFilePermission> mode = null;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributeView v = Files.getFileAttributeView(file, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            mode = v == null ? null : v.readAttributes().permissions();
        }
        Path tmp = Files.createTempFile(file.getParent(), ".weft-", ".tmp");
        try {
            Files.write(tmp, bytes);
            if (mode != null) {
                Files.setPosixFilePermissions(tmp, mode);
            } else {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString(
                        "rw-r--r--"));
            }
            AtomicReplace.moveOnto(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return DiskStamp.read(file);
    }

    /** Moves {@code from} to {@code to} (both root-relative); returns the stamp at the new place. */
    public DiskStamp move(String from, String to) throws IOException {
        Path src = resolveWritable(from);
        Path dst = resolveWritable(to);
        Files.createDirectories(dst.getParent());
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        pruneEmptyParents(src);
        return DiskStamp.read(dst);
    }

    /** Deletes {@code relPath} (if present) and the directories it leaves empty. */
    public void delete(String relPath) throws IOException {
        Path file = resolveWritable(relPath);
        Files.deleteIfExists(file);
        pruneEmptyParents(file);
    }

    /** Reads {@code relPath}, or null if it is not a regular file any more. */
    public byte[] read(String relPath) throws IOException {
        Path file = root.resolve(relPath);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /**
     * A free name beside {@code relPath} for a local copy kept aside: {@code name.weft-local}, then
     * {@code name.2.weft-local}…
     */
    public String asideName(String relPath) {
        for (int k = 1; ; k++) {
            String candidate = relPath + (k == 1 ? "" : "." + k) + ".weft-local";
            if (!Files.exists(root.resolve(candidate), LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }

    /** Renames {@code relPath} to a free {@link #asideName}; returns the new name. */
    public String moveAside(String relPath) throws IOException {
        String aside = asideName(relPath);
        Files.move(root.resolve(relPath), root.resolve(aside), StandardCopyOption.ATOMIC_MOVE);
        return aside;
    }

    /** The text of {@code bytes} if they are valid UTF-8 without NUL (a text file), else null (binary). */
    public static String decodeText(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private void pruneEmptyParents(Path file) throws IOException {
        Path dir = file.getParent();
        while (dir != null && !dir.equals(root) && dir.startsWith(root)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(dir);
            dir = dir.getParent();
        }
    }
}

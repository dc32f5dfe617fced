package dev.weft.client.workspace;

import dev.weft.client.paths.BadPathException;
import dev.weft.client.paths.PathValidator;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Walks a shared root: which files are shared (with their stamps) and which are left out and why. Never follows
 * a symbolic link (a link is listed as left out), never descends into an excluded directory.
 */
public final class FolderScanner {
    /** The root (absolute, normalised); immutable. */
    private final Path root;
    /** Fresh rules per scan, so that edited .gitignore files count at once; immutable. */
    private final Supplier<IgnoreRules> rules;
    /** Largest shared file in bytes; immutable. */
    private final long maxFileBytes;

    public FolderScanner(Path root, Supplier<IgnoreRules> rules, long maxFileBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.rules = rules;
        this.maxFileBytes = maxFileBytes;
    }

    /**
     * One scan's result. Immutable.
     *
     * @param shared   root-relative path → stamp, sorted by path
     * @param excluded root-relative path (directories end in {@code /}) → why it is not shared
     */
    public record Scan(Map<String, DiskStamp> shared, Map<String, String> excluded) {
    }

    public Scan scan() throws IOException {
        IgnoreRules r = rules.get();
        Map<String, DiskStamp> shared = new TreeMap<>();
        Map<String, String> excluded = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(dir);
                Optional<String> why = r.excluded(rel, true);
                if (why.isEmpty() && !PathValidator.isValid(rel)) {
                    why = Optional.of("name not allowed");
                }
                if (why.isPresent()) {
                    excluded.put(rel + "/", why.get());
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String rel = relative(file);
                Optional<String> why = r.excluded(rel, false);
                if (why.isPresent()) {
                    excluded.put(rel, why.get());
                } else if (attrs.isSymbolicLink()) {
                    excluded.put(rel, "symbolic link (never followed)");
                } else if (!attrs.isRegularFile()) {
                    excluded.put(rel, "not a regular file");
                } else if (attrs.size() > maxFileBytes) {
                    excluded.put(rel, "larger than " + (maxFileBytes >> 20) + " MiB (" + attrs.size() + " bytes)");
                } else if (!PathValidator.isValid(rel)) {
                    excluded.put(rel, "name not allowed: " + whyInvalid(rel));
                } else {
                    shared.put(rel, DiskStamp.of(attrs));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                excluded.put(relative(file), "unreadable: " + exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        return new Scan(shared, excluded);
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String whyInvalid(String rel) {
        try {
            PathValidator.validate(rel);
            return "";
        } catch (BadPathException e) {
            return e.getMessage();
        }
    }
}

package dev.weft.client.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Test helpers: what a directory shares, byte for byte, and waiting on conditions. */
final class Trees {
    private Trees() {
    }

    /** Shared path → content (text, or {@code bin:<sha256>} for binary files), as the peer's rules see them. */
    static Map<String, String> snapshot(Path dir) {
        try {
            FolderScanner.Scan scan = new FolderScanner(dir, () -> IgnoreRules.load(dir, Optional.empty()),
                    Workspace.DEFAULT_MAX_FILE_BYTES).scan();
            Map<String, String> out = new TreeMap<>();
            for (String path : scan.shared().keySet()) {
                byte[] bytes = Files.readAllBytes(dir.resolve(path));
                String text = DiskIo.decodeText(bytes);
                out.put(path, text != null ? text : "bin:" + Workspace.sha256(bytes));
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(String what, long seconds, BooleanSupplier condition, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; state: "
                        + state.get());
            }
            Thread.sleep(50);
        }
    }

    /**
     * The condition, or false while a file it reads vanishes between listing and reading (the engine is still moving
     * or replacing it: a state in flux, not a result).
     */
    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return false;
            }
            throw e;
        }
    }

    static void write(Path dir, String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}

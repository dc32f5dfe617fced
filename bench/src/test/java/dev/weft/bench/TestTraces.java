package dev.weft.bench;


import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Locates the shared traces and writes small trace files for tests. */
public final class TestTraces {

    private TestTraces() {
    }

    /**
     * The shared trace directory from system property {@code weft.traces} (the root pom passes
     * {@code <repo>/../shared/traces}); skips the calling test, saying why, when it is absent.
     */
    public static Path dir() {
        String prop = System.getProperty("weft.traces");
        if (prop == null || prop.isBlank()) {
            skip("system property weft.traces is not set: trace replay tests skipped");
        }
        Path dir = Path.of(prop);
        if (!Files.isDirectory(dir)) {
            skip("trace directory " + dir.toAbsolutePath().normalize()
                    + " (system property weft.traces) is absent: trace replay tests skipped");
        }
        return dir;
    }

    private static final java.util.Set<String> TOLD = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Skips the calling test; the reason is printed once to the build log too (surefire only files it away). */
    private static void skip(String reason) {
        if (TOLD.add(reason)) {
            System.out.println("[weft-bench] " + reason);
        }
        assumeTrue(false, reason);
    }

    /** {@code dir()/name.json.gz}; skips the calling test when that file is absent. */
    public static Path file(String name) {
        Path f = dir().resolve(name + ".json.gz");
        if (!Files.isRegularFile(f)) {
            skip("trace " + f + " is absent: test skipped");
        }
        return f;
    }

    /** Writes {@code json} gzip-compressed to {@code file}. */
    public static Path gzip(Path file, String json) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }
}

package dev.weft.relay.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real relay process shared by every test of a class:
 * {@code @RegisterExtension static final RelayExtension relay = new RelayExtension();}. Before the first test it
 * starts a {@link RelayProcess} in a fresh temporary directory; after the last it stops the relay and deletes the
 * directory.
 */
public final class RelayExtension implements BeforeAllCallback, AfterAllCallback {
    /** The temporary directory holding the relay's data and logs; null outside the test class's lifetime. */
    private Path dir;
    /** The running relay; null outside the test class's lifetime. */
    private RelayProcess process;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("weft-relay-");
        process = RelayProcess.start(dir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (process != null) {
            process.close();
            process = null;
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            dir = null;
        }
    }

    /** The relay's base URL ({@code http://127.0.0.1:<port>}). */
    public URI uri() {
        return process().uri();
    }

    /**
     * The relay process, for {@link RelayProcess#kill()} and {@link RelayProcess#restart()}.
     *
     * @throws IllegalStateException outside {@code beforeAll}…{@code afterAll}
     */
    public RelayProcess process() {
        if (process == null) {
            throw new IllegalStateException("the relay runs only while the test class runs");
        }
        return process;
    }
}

package dev.weft.relay;

import dev.weft.relay.testing.ClusterServices;
import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the cluster test classes share: the class's private PostgreSQL (and the check that PostgreSQL and Redis are
 * installed, {@link ClusterServices}), a temporary directory per test, and relay nodes started in it.
 */
abstract class ClusterNodes {
    @RegisterExtension
    static final ClusterServices CLUSTER = new ClusterServices();

    @TempDir
    Path tmp;

    /** Flags every node of this test class gets after the store and bus flags; none unless overridden. */
    List<String> nodeFlags() {
        return List.of();
    }

    /**
     * Starts node {@code name} in {@code tmp/name} on {@code store} (PostgreSQL URL) with invariant checks, on the
     * Redis bus {@code redis} (none when null), with {@link #nodeFlags()} and then {@code extra}.
     */
    RelayProcess node(String name, String store, String redis, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--store", store, "--check-invariants", "true"));
        if (redis != null) {
            args.addAll(List.of("--redis", redis));
        }
        args.addAll(nodeFlags());
        args.addAll(List.of(extra));
        return RelayProcess.start(tmp.resolve(name), args.toArray(String[]::new));
    }
}

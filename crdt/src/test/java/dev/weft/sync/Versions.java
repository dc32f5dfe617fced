package dev.weft.sync;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.crdt.VersionVector;
import java.util.Map;

/** Test helper: version vectors, and a guard for runs against the CRDT API stubs (before crdt-core's implementation landed). */
final class Versions {
    private Versions() {
    }

    static boolean available() {
        try {
            VersionVector.of(Map.of(1L, 1L)).asMap();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    static void assumeAvailable() {
        assumeTrue(available(), "dev.weft.crdt.VersionVector is still a stub");
    }

    static VersionVector of(long... agentNextSeqPairs) {
        Map<Long, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < agentNextSeqPairs.length; i += 2) {
            m.put(agentNextSeqPairs[i], agentNextSeqPairs[i + 1]);
        }
        return VersionVector.of(m);
    }
}

package dev.weft.sync;

import dev.weft.crdt.model.VersionVector;
import java.util.HashMap;
import java.util.Map;

/** Test helper: version vectors from (agent, nextSeq) pairs. */
final class Versions {
    private Versions() {
    }

    static VersionVector of(long... agentNextSeqPairs) {
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < agentNextSeqPairs.length; i += 2) {
            m.put(agentNextSeqPairs[i], agentNextSeqPairs[i + 1]);
        }
        return VersionVector.of(m);
    }
}

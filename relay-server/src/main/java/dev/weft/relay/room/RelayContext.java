package dev.weft.relay.room;

import dev.weft.relay.config.RelayConfig;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.store.BatchingWriter;
import dev.weft.relay.store.RelayStore;
import java.util.concurrent.Executor;

/**
 * What every room needs from the relay; immutable.
 *
 * @param config  settings (limits, compaction, awareness timeout)
 * @param store   storage, for reads (loading rooms and documents)
 * @param writer  the group-commit writer, for every write
 * @param metrics counters
 * @param pool    threads shared by the rooms' serial executors
 * @param agent   the agent id of the relay's replicas (it never edits, so one value serves every document)
 * @param cluster cluster counters (zero unless the store is shared by several nodes)
 * @param rendezvousPort the UDP port of the rendezvous for direct connections, or -1 if there is none
 */
public record RelayContext(RelayConfig config, RelayStore store, BatchingWriter writer, RelayMetrics metrics,
                           Executor pool, long agent, dev.weft.relay.metrics.ClusterMetrics cluster,
                           int rendezvousPort) {
}

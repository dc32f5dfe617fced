/**
 * Several relay nodes on one PostgreSQL (docs/relay.md, "Cluster"): {@link dev.weft.relay.cluster.ClusterSync}
 * routes each committed update's seq to its room and announces it to the other nodes over Redis pub/sub
 * ({@link dev.weft.relay.cluster.RedisBus}); nodes that miss an announcement notice the seq gap, or see the log's
 * head ahead of their replica when polling, and catch up from PostgreSQL.
 */
package dev.weft.relay.cluster;

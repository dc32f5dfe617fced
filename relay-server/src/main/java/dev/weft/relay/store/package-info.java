/**
 * Durable storage of rooms and documents behind {@link dev.weft.relay.store.RelayStore}: rooms (id, hashed secrets)
 * and, per document, a snapshot plus an append log of updates after it. {@link dev.weft.relay.store.SqliteStore}
 * is the embedded implementation; the interface uses only plain values and atomic batches so a PostgreSQL one can
 * follow.
 */
package dev.weft.relay.store;

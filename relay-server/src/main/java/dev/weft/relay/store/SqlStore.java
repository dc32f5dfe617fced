package dev.weft.relay.store;

/**
 * What {@link SqliteStore} and {@link PostgresStore} share above their connections: the counts, as queries both
 * schemas answer alike. Each store runs them with its own connection handling and error messages.
 */
abstract class SqlStore implements RelayStore {
    @Override
    public final long roomCount() {
        return count("SELECT COUNT(*) FROM rooms");
    }

    @Override
    public final long documentCount() {
        return count("SELECT COUNT(*) FROM documents");
    }

    /**
     * Runs {@code sql}, a {@code COUNT(*)} query.
     *
     * @return its value, or 0 if it returns no row
     * @throws StoreException if the query fails
     */
    abstract long count(String sql);
}

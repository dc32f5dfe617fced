package dev.weft.relay.config;

import dev.weft.relay.store.SqliteStore;
import dev.weft.sync.WireLimits;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The relay's settings; immutable. Each setting has a flag {@code --name value} and an environment variable
 * {@code WEFT_NAME} (upper case, '-' → '_'); a flag beats the variable, which beats the default. docs/relay.md lists
 * them all.
 */
public record RelayConfig(
        String host,
        int port,
        Path dataDir,
        int maxMessageBytes,
        long maxDocumentBytes,
        int maxDocsPerConnection,
        int maxDocsPerRoom,
        double updateRate,
        int updateBurst,
        double roomCreateRate,
        int roomCreateBurst,
        int compactUpdates,
        long compactBytes,
        double compactSpread,
        long awarenessTimeoutMillis,
        SqliteStore.Synchronous sqliteSynchronous,
        String logLevel,
        boolean checkInvariants,
        long unloadIdleMillis,
        String tlsKeystore,
        String tlsKeystorePassword,
        long slowClientMillis,
        long maxDocumentChars,
        long maxRoomChars,
        long authTimeoutMillis,
        int maxConnectionsPerAddress,
        boolean acceptDataLoss,
        String store,
        String redis,
        long clusterPollMillis,
        int maxLoadedDocsPerRoom,
        int rendezvousPort,
        long storeGroupWindowMicros,
        int storeGroupWrites,
        int eventLoops) {

    /** True if storage is PostgreSQL ({@code --store postgresql://…}) rather than SQLite in {@link #dataDir()}. */
    public boolean postgres() {
        return !store.isEmpty();
    }

    /** True if the relay serves HTTPS/WSS (a PKCS#12 keystore was given). */
    public boolean tls() {
        return !tlsKeystore.isEmpty();
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:7420}. */
    public String url() {
        return (tls() ? "https://" : "http://") + host + ":" + port;
    }

    @Override
    public String toString() {
        // Never print the keystore password.
        return "RelayConfig[" + url() + ", " + storage() + "]";
    }

    /** Where data lives, without credentials: {@code data=DIR} or {@code store=HOST:PORT/DB}. */
    public String storage() {
        return postgres() ? "store=" + dev.weft.relay.store.PostgresStore.describe(store) : "data=" + dataDir;
    }

    /** Every setting with its default, in the order printed by {@code --help}. */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("host", "127.0.0.1");
        DEFAULTS.put("port", "7420");
        DEFAULTS.put("data", "./weft-data");
        DEFAULTS.put("max-message-bytes", String.valueOf(WireLimits.MAX_MESSAGE_BYTES));
        DEFAULTS.put("max-document-bytes", String.valueOf(64L << 20));
        // Empty: the same as max-docs-per-room, so one connection can sync every document its room may hold.
        DEFAULTS.put("max-docs-per-connection", "");
        DEFAULTS.put("max-docs-per-room", "10000");
        DEFAULTS.put("update-rate", "500");
        DEFAULTS.put("update-burst", "2000");
        DEFAULTS.put("room-create-rate", "30");
        DEFAULTS.put("room-create-burst", "60");
        DEFAULTS.put("compact-updates", "1000");
        DEFAULTS.put("compact-bytes", String.valueOf(4L << 20));
        // Each document compacts after compact-updates (or compact-bytes) × (1 + s), s in [0, this) fixed by a hash
        // of room, name and compaction round: rooms that started together do not all compact in the same second.
        // 0: exactly at the thresholds. docs/relay.md, "Settings".
        DEFAULTS.put("compact-spread", "0.5");
        DEFAULTS.put("awareness-timeout-ms", "30000");
        DEFAULTS.put("sqlite-synchronous", "FULL");
        DEFAULTS.put("log-level", "INFO");
        DEFAULTS.put("check-invariants", "false");
        DEFAULTS.put("unload-idle-ms", "300000");
        DEFAULTS.put("tls-keystore", "");
        DEFAULTS.put("tls-keystore-password", "");
        DEFAULTS.put("slow-client-ms", "30000");
        DEFAULTS.put("max-document-chars", String.valueOf(WireLimits.MAX_DECODED_UPDATE_LENGTH));
        DEFAULTS.put("max-room-chars", String.valueOf(64L << 20));
        DEFAULTS.put("auth-timeout-ms", "5000");
        DEFAULTS.put("max-connections-per-address", "200");
        DEFAULTS.put("accept-data-loss", "false");
        // Empty: SQLite in --data. Else postgresql://HOST:PORT/DB?user=U&password=P (docs/relay.md, Cluster).
        DEFAULTS.put("store", "");
        // Empty: no other nodes. Else redis://HOST:PORT, where nodes announce committed updates to each other.
        DEFAULTS.put("redis", "");
        DEFAULTS.put("cluster-poll-ms", "1000");
        // Replicas one room keeps in memory; idle ones beyond it are evicted and reloaded from storage on demand.
        // Default: as many as a room may hold (no eviction). Measured (docs/benchmarks.md, "Quiet machine: the target
        // is met"): all 5,000 replicas of a 60 MB room fit a 200 MB heap, and a cap of 1,000-2,000 made that room's
        // join load ~9,500 replicas back and take 0.4-1 s longer; a relay with many large rooms sets it lower.
        // Eviction itself is exact (RelayReplicaEvictionTest).
        DEFAULTS.put("max-loaded-docs-per-room", "10000");
        // UDP port (on --host) of the rendezvous for direct peer connections; 0: any free port, -1: none.
        DEFAULTS.put("rendezvous-port", "0");
        // SQLite group commit: while updates arrive steadily, the store writer holds a batch up to this long after its
        // first write (ending early at --store-group-writes writes), so one fsync covers more updates; delays Acks,
        // not forwards. 0: commit whatever is queued at once. 8000: measured in docs/benchmarks.md, "Defaults for CPU
        // per update" (a third fewer writer CPU than 2000 at 1,000 updates/s; Ack p50 about 4 ms later).
        DEFAULTS.put("store-group-window-us", "8000");
        DEFAULTS.put("store-group-writes", "64");
        // Netty event loops serving the sockets; 0: one per available processor. Fewer loops cost less CPU per update
        // (fewer wake-ups, a room's forwards stay on one loop) but queue more under saturation. docs/relay.md,
        // "Settings".
        DEFAULTS.put("event-loops", "0");
    }

    /** The configuration with every default. */
    public static RelayConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /**
     * Reads flags then environment variables.
     *
     * @throws IllegalArgumentException naming the flag or variable that is unknown or has a bad value
     */
    public static RelayConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        for (String key : DEFAULTS.keySet()) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null && !fromEnv.isEmpty()) {
                values.put(key, fromEnv);
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (flags look like --port 7420)");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag --" + key + " needs a value");
                }
                value = args[++i];
            }
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown flag --" + key + " (see --help)");
            }
            values.put(key, value);
        }
        return new RelayConfig(
                values.get("host"),
                intIn(values, "port", 0, 65535),
                Path.of(values.get("data")),
                // Not above the protocol's limit: clients never send more, and every transport layer is sized for it.
                intIn(values, "max-message-bytes", 1024, WireLimits.MAX_MESSAGE_BYTES),
                longIn(values, "max-document-bytes", 1024, Long.MAX_VALUE),
                values.get("max-docs-per-connection").isBlank()
                        ? intIn(values, "max-docs-per-room", 1, Integer.MAX_VALUE)
                        : intIn(values, "max-docs-per-connection", 1, Integer.MAX_VALUE),
                intIn(values, "max-docs-per-room", 1, Integer.MAX_VALUE),
                doubleIn(values, "update-rate", 0.001),
                intIn(values, "update-burst", 1, Integer.MAX_VALUE),
                // Rooms per minute per client address; to lift the limit, set a large value (0 would lock out
                // every address for good once its burst is spent).
                doubleIn(values, "room-create-rate", 0.001),
                intIn(values, "room-create-burst", 1, Integer.MAX_VALUE),
                intIn(values, "compact-updates", 1, Integer.MAX_VALUE),
                longIn(values, "compact-bytes", 1, Long.MAX_VALUE),
                doubleIn(values, "compact-spread", 0, 4),
                longIn(values, "awareness-timeout-ms", 100, Long.MAX_VALUE),
                synchronous(values.get("sqlite-synchronous")),
                values.get("log-level").toUpperCase(Locale.ROOT),
                bool(values, "check-invariants"),
                longIn(values, "unload-idle-ms", 100, Long.MAX_VALUE),
                values.get("tls-keystore"),
                values.get("tls-keystore-password"),
                longIn(values, "slow-client-ms", 100, Long.MAX_VALUE),
                longIn(values, "max-document-chars", 1024, Integer.MAX_VALUE - 16),
                longIn(values, "max-room-chars", 1024, Long.MAX_VALUE),
                longIn(values, "auth-timeout-ms", 100, Long.MAX_VALUE),
                intIn(values, "max-connections-per-address", 1, Integer.MAX_VALUE),
                bool(values, "accept-data-loss"),
                storeUrl(values.get("store").trim()),
                redisUrl(values.get("redis").trim()),
                longIn(values, "cluster-poll-ms", 50, 3_600_000),
                intIn(values, "max-loaded-docs-per-room", 1, Integer.MAX_VALUE),
                intIn(values, "rendezvous-port", -1, 65535),
                longIn(values, "store-group-window-us", 0, 100_000),
                intIn(values, "store-group-writes", 1, 2000),
                intIn(values, "event-loops", 0, 1024));
    }

    private static String storeUrl(String v) {
        if (!v.isEmpty()) {
            dev.weft.relay.store.PostgresStore.describe(v); // throws IllegalArgumentException naming --store
        }
        return v;
    }

    private static String redisUrl(String v) {
        if (!v.isEmpty() && !v.startsWith("redis://")) {
            throw new IllegalArgumentException("--redis must look like redis://HOST:PORT, was '" + v + "'");
        }
        return v;
    }

    /** The environment variable for a flag name: {@code max-message-bytes} → {@code WEFT_MAX_MESSAGE_BYTES}. */
    static String envName(String key) {
        return "WEFT_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Usage text for {@code --help}. */
    public static String usage() {
        StringBuilder sb = new StringBuilder("Usage: java -jar weft-relay.jar [--flag value]...\n\n");
        for (Map.Entry<String, String> e : DEFAULTS.entrySet()) {
            sb.append(String.format("  --%-26s env %-30s default %s%n", e.getKey(), envName(e.getKey()),
                    e.getKey().equals("max-docs-per-connection") ? "= --max-docs-per-room"
                            : e.getValue().isEmpty() ? "(none)" : e.getValue()));
        }
        return sb.toString();
    }

    private static boolean bool(Map<String, String> values, String key) {
        String v = values.get(key).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + key + " must be true or false, was '" + values.get(key) + "'");
        }
        return v.equals("true");
    }

    private static SqliteStore.Synchronous synchronous(String value) {
        try {
            return SqliteStore.Synchronous.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--sqlite-synchronous must be FULL or NORMAL, was '" + value + "'");
        }
    }

    private static int intIn(Map<String, String> values, String key, int min, int max) {
        long v = longIn(values, key, min, max);
        return (int) v;
    }

    private static long longIn(Map<String, String> values, String key, long min, long max) {
        String s = values.get(key);
        long v;
        try {
            v = Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, was '" + s + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("--" + key + " must be between " + min + " and " + max + ", was " + v);
        }
        return v;
    }

    private static double doubleIn(Map<String, String> values, String key, double min, double max) {
        double v = doubleIn(values, key, min);
        if (v > max) {
            throw new IllegalArgumentException("--" + key + " must be between " + min + " and " + max + ", was "
                    + values.get(key));
        }
        return v;
    }

    private static double doubleIn(Map<String, String> values, String key, double min) {
        String s = values.get(key);
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a number, was '" + s + "'");
        }
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--" + key + " must be at least " + min + ", was " + s);
        }
        return v;
    }
}

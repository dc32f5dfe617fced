package dev.weft.relay;

import dev.weft.relay.config.RelayConfig;
import dev.weft.relay.log.Log;
import dev.weft.relay.store.SqliteStore;
import dev.weft.relay.store.StoreException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * {@code java -jar weft-relay.jar [--flag value]...}: starts the relay with {@link RelayConfig} from flags and
 * {@code WEFT_*} environment variables; SIGTERM/SIGINT stop it gracefully (flush and close storage).
 */
public final class RelayMain {
    private static final Logger LOG = Logger.getLogger(RelayMain.class.getName());

    private RelayMain() {
    }

    public static void main(String[] args) {
        leakDetectionOffUnlessSet();
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(RelayConfig.usage());
            return;
        }
        if (args.length > 0 && args[0].equals("backup")) {
            System.exit(backup(Arrays.copyOfRange(args, 1, args.length)));
            return;
        }
        RelayConfig config;
        try {
            config = RelayConfig.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("weft-relay: " + e.getMessage());
            System.exit(2);
            return;
        }
        Log.configure(config.logLevel());
        RelayServer relay;
        try {
            relay = RelayServer.start(config);
        } catch (Throwable e) { // anything: a failed start must end the process, never leave it half-running
            Log.error(LOG, "relay.start_failed", e, "host", config.host(), "port", config.port());
            System.err.println("weft-relay: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(relay::stop, "weft-shutdown"));
    }

    /**
     * Turns Netty's buffer leak detector off unless the operator chose a level ({@code -Dio.netty.leakDetection.level},
     * or Netty's older {@code io.netty.leakDetectionLevel}). At Netty's default level it records a stack trace for a
     * sample of buffer allocations and releases: 1.4 % of a loaded relay's CPU samples (docs/benchmarks.md, "Where
     * the relay's CPU goes with the new defaults"). Must run before Netty's {@code ResourceLeakDetector} is loaded,
     * which reads the property once. The level in force is logged with {@code transport.io}.
     */
    static void leakDetectionOffUnlessSet() {
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }

    /**
     * {@code weft-relay backup --data DIR --to FILE}: a consistent copy of the database, safe while the relay runs
     * ({@link SqliteStore#backup}). @return the exit code
     */
    static int backup(String[] args) {
        String data = System.getenv().getOrDefault("WEFT_DATA", "./weft-data");
        String to = null;
        for (int i = 0; i < args.length; i++) {
            if (i + 1 < args.length && args[i].equals("--data")) {
                data = args[++i];
            } else if (i + 1 < args.length && args[i].equals("--to")) {
                to = args[++i];
            } else {
                System.err.println("weft-relay backup: unexpected argument '" + args[i]
                        + "'; usage: backup [--data DIR] --to FILE");
                return 2;
            }
        }
        if (to == null) {
            System.err.println("weft-relay backup: --to FILE is required; usage: backup [--data DIR] --to FILE");
            return 2;
        }
        try {
            SqliteStore.backup(Path.of(data), Path.of(to));
        } catch (StoreException e) {
            System.err.println("weft-relay backup: " + e.getMessage());
            return 1;
        }
        System.err.println("weft-relay backup: wrote " + to);
        return 0;
    }
}

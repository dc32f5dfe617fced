package dev.weft.relay;

import dev.weft.relay.log.Log;
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
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(RelayConfig.usage());
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
}

package dev.weft.relay.log;

import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Structured logging on java.util.logging: {@code Log.info(logger, "room.created", "room", id)} becomes one JSON
 * line {@code {"ts":…,"level":"INFO","logger":…,"event":"room.created","room":"…"}} on stderr.
 */
public final class Log {
    /** First parameter of records made here, so the formatter knows the rest are key/value pairs. */
    static final Object MARKER = new Object();
    /** Formats our own records, which are written straight to stderr (see {@link #log}). */
    private static final JsonLineFormatter FORMAT = new JsonLineFormatter();
    /** Lowest level written; set by {@link #configure}. */
    private static volatile Level threshold = Level.INFO;

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger forgets the level set on it. */
    private static final Logger IN_PACKET_HANDLER =
            Logger.getLogger("com.corundumstudio.socketio.handler.InPacketHandler");

    private Log() {
    }

    /** Sends all java.util.logging output (ours and the libraries') to stderr as JSON lines at {@code level}. */
    public static void configure(String level) {
        Level l = Level.parse(level);
        threshold = l;
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler console = new ConsoleHandler(); // writes to System.err
        console.setFormatter(new JsonLineFormatter());
        console.setLevel(l);
        // Library records: a client can trigger some at will (netty-socketio logs a rejected handshake per request).
        console.setFilter(r -> LIBRARY_RECORDS.admit(r.getLoggerName() + "|" + r.getLevel(), r.getMillis()) >= 0);
        root.addHandler(console);
        root.setLevel(l);
        // Netty and netty-socketio are chatty at INFO about internals; keep their warnings.
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
        Logger.getLogger("com.corundumstudio").setLevel(l.intValue() < Level.INFO.intValue() ? l : Level.WARNING);
        // It logs every undecodable packet in full ("Error during data processing … data: <packet>") before
        // rethrowing; the relay logs that failure itself, bounded, redacted and rate-limited (socketio.channel_error).
        IN_PACKET_HANDLER.setLevel(Level.OFF);
    }

    public static void info(Logger logger, String event, Object... keyValues) {
        log(logger, Level.INFO, event, null, keyValues);
    }

    public static void warn(Logger logger, String event, Object... keyValues) {
        log(logger, Level.WARNING, event, null, keyValues);
    }

    public static void error(Logger logger, String event, Throwable t, Object... keyValues) {
        log(logger, Level.SEVERE, event, t, keyValues);
    }

    /** Lines per key per {@link #LIMIT_WINDOW_MILLIS} for {@link #warnLimited} and for library records. */
    static final int LIMIT_BURST = 5;
    static final long LIMIT_WINDOW_MILLIS = 60_000;
    /** Limits warnings caused by clients, keyed by event and client address. */
    private static final LogLimiter CLIENT_WARNINGS = new LogLimiter(LIMIT_BURST, LIMIT_WINDOW_MILLIS, 10_000);
    /**
     * Limits library records, keyed by logger and level: they carry no client address we could use, and their text
     * is already formatted (session ids, addresses), so it cannot serve as a key.
     */
    private static final LogLimiter LIBRARY_RECORDS = new LogLimiter(4 * LIMIT_BURST, LIMIT_WINDOW_MILLIS, 1_000);

    /**
     * A warning a client can cause at will (a failed authentication, a junk packet): written at most
     * {@link #LIMIT_BURST} times per minute per {@code source} (the client's address); the next one written after
     * a suppressed run carries {@code "suppressed": n}.
     */
    public static void warnLimited(Logger logger, String event, String source, Object... keyValues) {
        long suppressed = CLIENT_WARNINGS.admit(event + "|" + source, System.currentTimeMillis());
        if (suppressed < 0) {
            return;
        }
        if (suppressed > 0) {
            Object[] more = java.util.Arrays.copyOf(keyValues, keyValues.length + 2);
            more[keyValues.length] = "suppressed";
            more[keyValues.length + 1] = suppressed;
            keyValues = more;
        }
        log(logger, Level.WARNING, event, null, keyValues);
    }

    public static void debug(Logger logger, String event, Object... keyValues) {
        log(logger, Level.FINE, event, null, keyValues);
    }

    /**
     * Writes the record to stderr directly rather than through the logger's handlers: java.util.logging's own
     * shutdown hook resets (closes) the handlers, which would swallow what the relay logs while shutting down.
     */
    private static void log(Logger logger, Level level, String event, Throwable t, Object... keyValues) {
        if (level.intValue() < threshold.intValue()) {
            return;
        }
        Object[] params = new Object[keyValues.length + 1];
        params[0] = MARKER;
        System.arraycopy(keyValues, 0, params, 1, keyValues.length);
        LogRecord r = new LogRecord(level, event);
        r.setLoggerName(logger.getName());
        r.setParameters(params);
        r.setThrown(t);
        String line = FORMAT.format(r);
        synchronized (System.err) {
            System.err.print(line);
            System.err.flush();
        }
    }
}

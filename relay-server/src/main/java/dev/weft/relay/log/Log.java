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
        root.addHandler(console);
        root.setLevel(l);
        // Netty and netty-socketio are chatty at INFO about internals; keep their warnings.
        Logger.getLogger("io.netty").setLevel(Level.WARNING);
        Logger.getLogger("com.corundumstudio").setLevel(l.intValue() < Level.INFO.intValue() ? l : Level.WARNING);
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

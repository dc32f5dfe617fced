package dev.weft.relay.log;

import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats each log record as one JSON object on one line: {@code {"ts","level","logger","event", fields…, "error"}}.
 *
 * <p>Records made by {@link Log} carry their key/value fields in the parameters; records from libraries (Netty,
 * netty-socketio via slf4j-jdk14) get their formatted text as {@code "msg"}.
 *
 * <p>Bounded whatever a client sends: each field value is cut to {@value #MAX_FIELD} characters; a library's message
 * may quote client input, so it is treated as {@link LogText#untrusted} (tokens redacted, cut to
 * {@value #MAX_LIBRARY_MSG}); exception messages likewise, and at most {@value #MAX_FRAMES} stack frames per cause.
 */
public final class JsonLineFormatter extends Formatter {
    /** Longest field value written, in characters. */
    static final int MAX_FIELD = 2000;
    /** Longest library message written, in characters. */
    static final int MAX_LIBRARY_MSG = 500;
    /** Stack frames written per exception in a cause chain. */
    static final int MAX_FRAMES = 25;

    @Override
    public String format(LogRecord r) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"ts\":\"").append(Instant.ofEpochMilli(r.getMillis())).append('"');
        field(sb, "level", r.getLevel().getName());
        field(sb, "logger", shortName(r.getLoggerName()));
        Object[] params = r.getParameters();
        if (params != null && params.length > 0 && params[0] == Log.MARKER) {
            field(sb, "event", r.getMessage());
            for (int i = 1; i + 1 < params.length; i += 2) {
                field(sb, String.valueOf(params[i]), params[i + 1]);
            }
        } else {
            field(sb, "msg", LogText.untrusted(formatMessage(r), MAX_LIBRARY_MSG));
        }
        if (r.getThrown() != null) {
            field(sb, "error", stackTrace(r.getThrown()));
        }
        return sb.append("}\n").toString();
    }

    /**
     * The cause chain with untrusted messages (a parser's message may quote the client's bytes) and at most
     * {@link #MAX_FRAMES} frames each; a few kilobytes at most.
     */
    static String stackTrace(Throwable t) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int depth = 0; t != null && depth < 5 && seen.add(t); depth++, t = t.getCause()) {
            sb.append(depth == 0 ? "" : "Caused by: ").append(LogText.untrusted(t)).append('\n');
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                sb.append("\tat ").append(frames[i]).append('\n');
            }
            if (frames.length > MAX_FRAMES) {
                sb.append("\t... ").append(frames.length - MAX_FRAMES).append(" more\n");
            }
        }
        return sb.toString();
    }

    private static String shortName(String name) {
        if (name == null) {
            return "";
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static void field(StringBuilder sb, String key, Object value) {
        sb.append(",\"");
        escape(sb, key);
        sb.append("\":");
        if (value instanceof Number || value instanceof Boolean) {
            sb.append(value);
        } else {
            sb.append('"');
            escape(sb, LogText.clip(String.valueOf(value), key.equals("error") ? 4 * MAX_FIELD : MAX_FIELD));
            sb.append('"');
        }
    }

    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}

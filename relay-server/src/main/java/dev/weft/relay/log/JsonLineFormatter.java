package dev.weft.relay.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Formats each log record as one JSON object on one line: {@code {"ts","level","logger","event", fields…, "error"}}.
 *
 * <p>Records made by {@link Log} carry their key/value fields in the parameters; records from libraries (Netty,
 * netty-socketio via slf4j-jdk14) get their formatted text as {@code "msg"}.
 */
public final class JsonLineFormatter extends Formatter {
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
            field(sb, "msg", formatMessage(r));
        }
        if (r.getThrown() != null) {
            StringWriter sw = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(sw));
            field(sb, "error", sw.toString());
        }
        return sb.append("}\n").toString();
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
            escape(sb, String.valueOf(value));
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

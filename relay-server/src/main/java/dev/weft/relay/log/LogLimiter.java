package dev.weft.relay.log;

import java.util.HashMap;
import java.util.Map;

/**
 * Limits how often one kind of log line is written per key (e.g. event + client address): at most {@code burst}
 * lines per window; the lines after that are counted, and the next line written for the key says how many were
 * suppressed. Thread-safe; memory bounded by {@code maxKeys} (when full, every key shares one overflow budget).
 *
 * <pre>{@code
 * LogLimiter l = new LogLimiter(2, 10_000, 1000);   // 2 lines per key per 10 s, 1000 keys
 * l.admit("auth.failed|10.0.0.1", t)      → 0          // write (0 suppressed before it)
 * l.admit("auth.failed|10.0.0.1", t)      → 0          // write
 * l.admit("auth.failed|10.0.0.1", t)      → -1         // suppressed
 * l.admit("auth.failed|10.0.0.1", t + 10s) → 1         // write, and say "1 suppressed"
 * }</pre>
 */
public final class LogLimiter {
    /** Key used for every new key once {@link #maxKeys} are tracked. */
    static final String OVERFLOW = "(too many sources)";

    /** Per-key window state; guarded by the limiter. */
    private static final class Window {
        long startMillis;
        int written;
        long suppressed;
    }

    private final int burst;
    private final long windowMillis;
    private final int maxKeys;
    private final Map<String, Window> windows = new HashMap<>();

    public LogLimiter(int burst, long windowMillis, int maxKeys) {
        this.burst = burst;
        this.windowMillis = windowMillis;
        this.maxKeys = maxKeys;
    }

    /**
     * Whether a line for {@code key} may be written at {@code nowMillis}.
     *
     * @return -1 if it must be suppressed; else how many lines of this key were suppressed since the last one written
     */
    public synchronized long admit(String key, long nowMillis) {
        Window w = windows.get(key);
        if (w == null) {
            if (windows.size() >= maxKeys) {
                windows.values().removeIf(x -> nowMillis - x.startMillis >= windowMillis && x.suppressed == 0);
            }
            if (windows.size() >= maxKeys) {
                key = OVERFLOW;
                w = windows.get(key);
            }
            if (w == null) {
                w = new Window();
                w.startMillis = nowMillis;
                windows.put(key, w);
            }
        }
        if (nowMillis - w.startMillis >= windowMillis) {
            w.startMillis = nowMillis;
            w.written = 0;
        }
        if (w.written >= burst) {
            w.suppressed++;
            return -1;
        }
        w.written++;
        long s = w.suppressed;
        w.suppressed = 0;
        return s;
    }

    /** Keys tracked now. */
    public synchronized int tracked() {
        return windows.size();
    }
}

package dev.weft.lsp.binding;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Optional per-hop timestamps of the keystroke path (docs/vscode.md, "Where the latency goes"): with the environment
 * variable {@code WEFT_LATENCY_TRACE} (or {@code -Dweft.latencyTrace}) naming a directory, the server appends one
 * line per event to {@code server-<pid>.tsv} there: wall-clock milliseconds (microsecond precision, the clock
 * Node's {@code Date.now()} and Neovim's {@code gettimeofday} read), {@code server}, the event, the document's file
 * name, the document length in UTF-16 units after the event (or -1 when not known on that thread) and the editor
 * version (or -1). Events: {@code recv} (a didChange read from the editor, LSP thread), {@code local} (the user's
 * typing of that didChange applied and published to the relay), {@code remote} (another member's change integrated
 * into the replica), {@code applyEdit} (a {@code workspace/applyEdit} written to the editor; the length is the
 * editor's length once applied), {@code answer} (its answer; version 1 applied, 0 refused), {@code echo} (its echo
 * taken).
 *
 * <p>Off (the default) every call is one volatile-free static check. On, an event costs a string and a queue offer;
 * a daemon thread writes the queue every 200 ms and at exit, so the traced path never waits for the disk.
 */
public final class LatencyTrace {
    private static final Logger LOG = Logger.getLogger(LatencyTrace.class.getName());
    /** The trace file, or null when tracing is off. Immutable. */
    private static final Path FILE = traceFile();
    /** Lines not yet written; null when tracing is off. */
    private static final ConcurrentLinkedQueue<String> QUEUE = FILE == null ? null : new ConcurrentLinkedQueue<>();

    static {
        if (FILE != null) {
            ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "weft-latency-trace");
                t.setDaemon(true);
                return t;
            });
            writer.scheduleWithFixedDelay(LatencyTrace::drain, 200, 200, TimeUnit.MILLISECONDS);
            Runtime.getRuntime().addShutdownHook(new Thread(LatencyTrace::drain, "weft-latency-trace-exit"));
            LOG.info("latency trace on: " + FILE);
        }
    }

    private LatencyTrace() {
    }

    /** True when events are recorded (callers skip computing lengths otherwise). */
    public static boolean on() {
        return FILE != null;
    }

    /** Records {@code event} for the document {@code uri} now; no-op when tracing is off. */
    public static void mark(String event, String uri, int length, int version) {
        if (FILE == null) {
            return;
        }
        Instant now = Instant.now();
        double ms = now.getEpochSecond() * 1000.0 + now.getNano() / 1_000_000.0;
        QUEUE.offer(String.format(java.util.Locale.ROOT, "%.3f\tserver\t%s\t%s\t%d\t%d%n", ms, event,
                uri.substring(uri.lastIndexOf('/') + 1), length, version));
    }

    private static synchronized void drain() {
        if (QUEUE.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        for (String s; (s = QUEUE.poll()) != null; ) {
            b.append(s);
        }
        try (Writer w = Files.newBufferedWriter(FILE, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(b.toString());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot write the latency trace " + FILE, e);
        }
    }

    private static Path traceFile() {
        String dir = System.getProperty("weft.latencyTrace");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("WEFT_LATENCY_TRACE");
        }
        if (dir == null || dir.isBlank()) {
            return null;
        }
        try {
            Path d = Files.createDirectories(Path.of(dir));
            return d.resolve("server-" + ProcessHandle.current().pid() + ".tsv");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "latency trace off: cannot use the directory " + dir, e);
            return null;
        }
    }
}

package dev.weft.bench.cli;

import dev.weft.bench.replay.FloorReplay;
import dev.weft.bench.replay.HeapMeter;
import dev.weft.bench.replay.Stats;
import dev.weft.bench.replay.WeftConcurrentReplay;
import dev.weft.bench.replay.WeftSequentialReplay;
import dev.weft.bench.trace.Trace;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs one measurement (warm-up runs, then measured runs, medians per phase) and builds the report fields, in
 * the order they are printed. A measurement is correct only if every run, warm-up included, was correct.
 */
final class Measurements {

    private Measurements() {
    }

    /** Report of a measurement plus whether its result was correct. */
    record Report(Map<String, Object> fields, boolean ok) {
    }

    static Report replay(Trace trace, Args args) {
        long[] replay = new long[args.runs()];
        long[] remote = new long[args.runs()];
        long[] encode = new long[args.runs()];
        long[] load = new long[args.runs()];
        Runs<WeftSequentialReplay.Result> runs = runAll(args, () -> WeftSequentialReplay.run(trace, 0),
                r -> correct(r.textA(), trace, args) && r.textB().equals(r.textA()) && r.textC().equals(r.textA()),
                (r, m) -> {
                    replay[m] = r.replayNanos();
                    remote[m] = r.remoteApplyNanos();
                    encode[m] = r.encodeNanos();
                    load[m] = r.loadNanos();
                });
        WeftSequentialReplay.Result last = runs.last();
        Map<String, Object> f = header("weft", "replay", trace);
        f.put("finalLength", last.textA().length());
        f.put("matchesEndContent", last.textA().equals(trace.endContent()));
        f.put("remoteMatches", last.textB().equals(last.textA()));
        f.put("loadMatches", last.textC().equals(last.textA()));
        f.put("replayMs", Stats.medianMs(replay));
        f.put("remoteApplyMs", Stats.medianMs(remote));
        putStateFields(f, encode, load, last.state(), last.updates(), last.updateBytes(), args,
                WeftSequentialReplay::load);
        return finish(f, args, runs.ok());
    }

    static Report merge(Trace trace, Args args) {
        long[] replay = new long[args.runs()];
        long[] sync = new long[args.runs()];
        long[] merge = new long[args.runs()];
        long[] encode = new long[args.runs()];
        long[] load = new long[args.runs()];
        Runs<WeftConcurrentReplay.Result> runs = runAll(args,
                () -> WeftConcurrentReplay.run(trace, 0, args.diffThreshold()),
                r -> r.converged() && correct(r.mergedText(), trace, args),
                (r, m) -> {
                    replay[m] = r.replayNanos();
                    sync[m] = r.syncNanos();
                    merge[m] = r.mergeNanos();
                    encode[m] = r.encodeNanos();
                    load[m] = r.loadNanos();
                });
        WeftConcurrentReplay.Result last = runs.last();
        Map<String, Object> f = header("weft", "merge", trace);
        f.put("agents", last.agents());
        f.put("finalLength", last.mergedText().length());
        f.put("matchesEndContent", last.mergedText().equals(trace.endContent()));
        f.put("converged", last.converged());
        if (last.firstDivergence() != null) {
            f.put("divergence", last.firstDivergence());
        }
        f.put("replayMs", Stats.medianMs(replay));
        f.put("remoteApplyMs", Stats.medianMs(sync));
        f.put("syncDiffs", last.syncDiffs());
        f.put("syncApplies", last.syncApplies());
        f.put("mergeMs", Stats.medianMs(merge));
        putStateFields(f, encode, load, last.state(), last.updates(), last.updateBytes(), args,
                WeftConcurrentReplay::load);
        return finish(f, args, runs.ok());
    }

    static Report floor(Trace trace, Args args) {
        long[] replay = new long[args.runs()];
        Runs<FloorReplay.Result> runs = runAll(args, () -> FloorReplay.run(trace),
                r -> correct(r.text(), trace, args), (r, m) -> replay[m] = r.nanos());
        FloorReplay.Result last = runs.last();
        Map<String, Object> f = header("floor", "floor", trace);
        f.put("finalLength", last.text().length());
        f.put("matchesEndContent", last.text().equals(trace.endContent()));
        f.put("replayMs", Stats.medianMs(replay));
        if (args.measureHeap()) {
            f.put("retainedHeapBytes", HeapMeter.retainedBytes(() -> FloorReplay.run(trace).text()));
        }
        return finish(f, args, runs.ok());
    }

    /** The last run's result of a measurement, and whether every run, warm-up included, was correct. */
    private record Runs<R>(R last, boolean ok) {
    }

    /**
     * Runs {@code run} {@code args.warmup() + args.runs()} times, checking each result with {@code correct}; the
     * measured runs (those after the warm-up) go to {@code record} with their index from 0. The previous run's
     * result is dropped before the next run starts, so its replicas can be collected.
     */
    private static <R> Runs<R> runAll(Args args, Supplier<R> run, Predicate<R> correct, ObjIntConsumer<R> record) {
        int total = args.warmup() + args.runs();
        boolean ok = true;
        R last = null;
        for (int i = 0; i < total; i++) {
            last = null;
            last = run.get();
            ok &= correct.test(last);
            int m = i - args.warmup();
            if (m >= 0) {
                record.accept(last, m);
            }
        }
        return new Runs<>(last, ok);
    }

    /**
     * Adds the fields about the encoded state, in report order: encode and load medians, its size, the update
     * count and bytes, and with {@code --heap} the heap retained by the state loaded again through {@code loader}.
     */
    private static void putStateFields(Map<String, Object> f, long[] encode, long[] load, byte[] state, int updates,
                                       long updateBytes, Args args, Function<byte[], ?> loader) {
        f.put("encodeMs", Stats.medianMs(encode));
        f.put("loadMs", Stats.medianMs(load));
        f.put("encodedBytes", state.length);
        f.put("updates", updates);
        f.put("updateBytes", updateBytes);
        if (args.measureHeap()) {
            f.put("retainedHeapBytes", HeapMeter.retainedBytes(() -> loader.apply(state)));
        }
    }

    /** Kind and counts of a trace, without replaying it. */
    static Map<String, Object> info(Trace trace) {
        Map<String, Object> f = header("reader", "info", trace);
        f.put("agents", trace.numAgents());
        f.put("mergeTxns", trace.mergeTxnCount());
        f.put("endLength", trace.endContent().length());
        return f;
    }

    private static boolean correct(String text, Trace trace, Args args) {
        return args.expectLength() >= 0 ? text.length() == args.expectLength() : text.equals(trace.endContent());
    }

    private static Map<String, Object> header(String tool, String mode, Trace trace) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tool", tool);
        f.put("mode", mode);
        f.put("trace", trace.name());
        f.put("kind", trace.kind().name().toLowerCase());
        f.put("txns", trace.txns().size());
        f.put("patches", trace.patchCount());
        return f;
    }

    private static Report finish(Map<String, Object> f, Args args, boolean ok) {
        if (args.expectLength() >= 0) {
            f.put("expectLength", args.expectLength());
        }
        f.put("warmup", args.warmup());
        f.put("runs", args.runs());
        f.put("runtime", "java " + Runtime.version() + ", max heap " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
        f.put("ok", ok);
        return new Report(f, ok);
    }
}

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
        int total = args.warmup() + args.runs();
        long[] replay = new long[args.runs()];
        long[] replayNoUpdate = new long[args.runs()];
        long[] remote = new long[args.runs()];
        long[] encode = new long[args.runs()];
        long[] load = new long[args.runs()];
        boolean ok = true;
        WeftSequentialReplay.Result last = null;
        double[][] perRun = new double[3][total]; // replay, replay without updates, remote apply of every run
        for (int run = 0; run < total; run++) {
            last = null; // let the previous run's replicas be collected before the next one
            last = WeftSequentialReplay.run(trace, 0);
            ok &= correct(last.textA(), trace, args) && last.textB().equals(last.textA())
                    && last.textC().equals(last.textA()) && last.textNoUpdate().equals(last.textA());
            perRun[0][run] = Stats.ms(last.replayNanos());
            perRun[1][run] = Stats.ms(last.replayNoUpdateNanos());
            perRun[2][run] = Stats.ms(last.remoteApplyNanos());
            int m = run - args.warmup();
            if (m >= 0) {
                replay[m] = last.replayNanos();
                replayNoUpdate[m] = last.replayNoUpdateNanos();
                remote[m] = last.remoteApplyNanos();
                encode[m] = last.encodeNanos();
                load[m] = last.loadNanos();
            }
        }
        Map<String, Object> f = header("weft", "replay", trace);
        f.put("finalLength", last.textA().length());
        f.put("matchesEndContent", last.textA().equals(trace.endContent()));
        f.put("remoteMatches", last.textB().equals(last.textA()));
        f.put("loadMatches", last.textC().equals(last.textA()));
        f.put("replayMs", Stats.medianMs(replay));
        f.put("replayNoUpdateMs", Stats.medianMs(replayNoUpdate));
        f.put("remoteApplyMs", Stats.medianMs(remote));
        if (args.perRun()) {
            Map<String, Object> runs = new LinkedHashMap<>();
            runs.put("replay", perRun[0]);
            runs.put("replayNoUpdate", perRun[1]);
            runs.put("remoteApply", perRun[2]);
            f.put("perRunMs", runs);
            Map<String, Object> bytes = new LinkedHashMap<>(); // of the last run
            bytes.put("replay", last.allocated()[0]);
            bytes.put("replayNoUpdate", last.allocated()[1]);
            bytes.put("remoteApply", last.allocated()[2]);
            f.put("allocatedBytes", bytes);
        }
        return stateFields(f, args, ok, encode, load, last.state(), last.updates(), last.updateBytes(),
                WeftSequentialReplay::load);
    }

    static Report merge(Trace trace, Args args) {
        int total = args.warmup() + args.runs();
        long[] replay = new long[args.runs()];
        long[] sync = new long[args.runs()];
        long[] merge = new long[args.runs()];
        long[] encode = new long[args.runs()];
        long[] load = new long[args.runs()];
        boolean ok = true;
        WeftConcurrentReplay.Result last = null;
        for (int run = 0; run < total; run++) {
            last = null;
            last = WeftConcurrentReplay.run(trace, 0, args.diffThreshold());
            ok &= last.converged() && correct(last.mergedText(), trace, args);
            int m = run - args.warmup();
            if (m >= 0) {
                replay[m] = last.replayNanos();
                sync[m] = last.syncNanos();
                merge[m] = last.mergeNanos();
                encode[m] = last.encodeNanos();
                load[m] = last.loadNanos();
            }
        }
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
        return stateFields(f, args, ok, encode, load, last.state(), last.updates(), last.updateBytes(),
                WeftConcurrentReplay::load);
    }

    /**
     * Adds the fields both replica measurements end with (encode and load medians, the sizes of the last run, and
     * with {@code --heap} the retained heap of a replica loaded from its {@code state}), then {@link #finish}es.
     */
    private static Report stateFields(Map<String, Object> f, Args args, boolean ok, long[] encode, long[] load,
                                      byte[] state, int updates, long updateBytes, Function<byte[], ?> loader) {
        f.put("encodeMs", Stats.medianMs(encode));
        f.put("loadMs", Stats.medianMs(load));
        f.put("encodedBytes", state.length);
        f.put("updates", updates);
        f.put("updateBytes", updateBytes);
        if (args.measureHeap()) {
            f.put("retainedHeapBytes", HeapMeter.retainedBytes(() -> loader.apply(state)));
        }
        return finish(f, args, ok);
    }

    static Report floor(Trace trace, Args args) {
        int total = args.warmup() + args.runs();
        long[] replay = new long[args.runs()];
        boolean ok = true;
        FloorReplay.Result last = null;
        for (int run = 0; run < total; run++) {
            last = FloorReplay.run(trace);
            ok &= correct(last.text(), trace, args);
            int m = run - args.warmup();
            if (m >= 0) {
                replay[m] = last.nanos();
            }
        }
        Map<String, Object> f = header("floor", "floor", trace);
        f.put("finalLength", last.text().length());
        f.put("matchesEndContent", last.text().equals(trace.endContent()));
        f.put("replayMs", Stats.medianMs(replay));
        if (args.measureHeap()) {
            f.put("retainedHeapBytes", HeapMeter.retainedBytes(() -> FloorReplay.run(trace).text()));
        }
        return finish(f, args, ok);
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

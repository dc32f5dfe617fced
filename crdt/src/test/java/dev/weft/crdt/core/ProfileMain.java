package dev.weft.crdt.core;

import dev.weft.crdt.TextDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Repeats one phase for profiling: {@code ProfileMain merge|remote|local|localquiet|floor|load|encode seconds [trace]}. */
public final class ProfileMain {
    public static void main(String[] args) throws Exception {
        String phase = args[0];
        long until = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        String name = args.length > 2 ? args[2] : (phase.equals("merge") ? "friendsforever" : "automerge-paper");
        Map<String, Object> t = Traces.load(Traces.dir().resolve(name + ".json.gz"));
        List<byte[]> ups = new ArrayList<>();
        byte[] state;
        List<Object[]> patches = null;
        if (phase.equals("merge")) {
            Traces.replayConcurrent(t, ups);
        } else {
            patches = Traces.patches(t);
            ups = Traces.replayLocally(new TextDocument(1), patches);
        }
        TextDocument full = Traces.merged(5, ups);
        state = full.encodeStateAsUpdate();
        int iters = 0;
        long total = 0, cpu = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        while (System.nanoTime() < until) {
            long s = System.nanoTime(), c = mx.getCurrentThreadCpuTime();
            switch (phase) {
                case "merge", "remote" -> Traces.merged(77, ups);
                case "local" -> Traces.replayLocally(new TextDocument(1), patches);
                case "localquiet" -> Traces.editLocally(new TextDocument(1), patches);
                case "floor" -> Traces.replayOnStringBuilder(patches);
                case "load" -> new TextDocument(9).applyUpdate(state);
                case "encode" -> full.encodeStateAsUpdate();
                default -> throw new IllegalArgumentException(phase);
            }
            total += System.nanoTime() - s;
            cpu += mx.getCurrentThreadCpuTime() - c;
            iters++;
        }
        System.out.printf("%s %s: %d iterations, mean %.1f ms wall, %.1f ms cpu%n", phase, name, iters, total / 1e6 / iters,
                cpu / 1e6 / iters);
    }
}

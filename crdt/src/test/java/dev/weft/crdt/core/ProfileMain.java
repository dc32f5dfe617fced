package dev.weft.crdt.core;

import dev.weft.crdt.TextDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Repeats one phase for profiling: {@code ProfileMain merge|remote|local|load seconds [trace]}. */
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
            ups = local(patches);
        }
        TextDocument full = new TextDocument(5);
        for (byte[] u : ups) {
            full.applyUpdate(u);
        }
        state = full.encodeStateAsUpdate();
        int iters = 0;
        long total = 0, cpu = 0;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        while (System.nanoTime() < until) {
            long s = System.nanoTime(), c = mx.getCurrentThreadCpuTime();
            switch (phase) {
                case "merge", "remote" -> {
                    TextDocument m = new TextDocument(77);
                    for (byte[] u : ups) {
                        m.applyUpdate(u);
                    }
                }
                case "local" -> local(patches);
                case "floor" -> {
                    StringBuilder sb = new StringBuilder();
                    for (Object[] p : patches) {
                        int pos = (Integer) p[0], del = (Integer) p[1];
                        sb.delete(pos, pos + del);
                        sb.insert(pos, (String) p[2]);
                    }
                }
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

    static List<byte[]> local(List<Object[]> patches) {
        TextDocument a = new TextDocument(1);
        List<byte[]> ups = new ArrayList<>(patches.size());
        for (Object[] p : patches) {
            int pos = (Integer) p[0], del = (Integer) p[1];
            String ins = (String) p[2];
            if (del > 0) {
                ups.add(a.delete(pos, del).update());
            }
            if (!ins.isEmpty()) {
                ups.add(a.insert(pos, ins).update());
            }
        }
        return ups;
    }
}

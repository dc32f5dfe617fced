package dev.weft.crdt.core;

import dev.weft.crdt.TextDocument;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Quick local timing harness (not a test): {@code java -cp ... dev.weft.crdt.core.PerfMain [rounds]}.
 * The authoritative measurement is bench/weft-bench; this one is for a quick inner loop while changing the CRDT.
 */
public final class PerfMain {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Traces.dir();
        long t0 = System.nanoTime();
        Map<String, Object> t = Traces.load(dir.resolve("automerge-paper.json.gz"));
        List<Object[]> patches = Traces.patches(t);
        System.out.printf("parse %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        String end = (String) t.get("endContent");
        for (int r = 0; r < rounds; r++) {
            long s = System.nanoTime();
            Traces.replayOnStringBuilder(patches);
            long floor = System.nanoTime() - s;
            s = System.nanoTime();
            TextDocument a = new TextDocument(1);
            List<byte[]> ups = Traces.replayLocally(a, patches);
            long replay = System.nanoTime() - s;
            s = System.nanoTime();
            TextDocument b = Traces.merged(2, ups);
            long remote = System.nanoTime() - s;
            s = System.nanoTime();
            byte[] state = a.encodeStateAsUpdate();
            long enc = System.nanoTime() - s;
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getCurrentThreadCpuTime();
            s = System.nanoTime();
            TextDocument c = new TextDocument(3);
            c.applyUpdate(state);
            long load = System.nanoTime() - s;
            long loadCpu = mx.getCurrentThreadCpuTime() - cpu0;
            if (!a.getText().equals(end) || !b.getText().equals(end) || !c.getText().equals(end)) {
                throw new AssertionError("wrong text");
            }
            System.gc();
            long before = used();
            TextDocument held = new TextDocument(4);
            held.applyUpdate(state);
            System.gc();
            long heap = used() - before;
            System.out.printf("floor %d ms, replay %d ms, remote %d ms, encode %d ms, load %d ms (cpu %.1f), bytes %d, heap %d (%s)%n",
                    floor / 1_000_000, replay / 1_000_000, remote / 1_000_000, enc / 1_000_000, load / 1_000_000, loadCpu / 1e6,
                    state.length, heap, held.length() > 0 ? "ok" : "");
        }
        for (String name : List.of("friendsforever", "clownschool", "git-makefile")) {
            Map<String, Object> tr = Traces.load(dir.resolve(name + ".json.gz"));
            for (int r = 0; r < Math.max(1, rounds / 2); r++) {
                List<byte[]> all = new ArrayList<>();
                long s = System.nanoTime();
                Traces.replayConcurrent(tr, all);
                long rep = System.nanoTime() - s;
                s = System.nanoTime();
                TextDocument m = Traces.merged(77, all);
                long merge = System.nanoTime() - s;
                boolean ok = name.equals("git-makefile") ? m.length() == 113_676 : m.getText().equals(tr.get("endContent"));
                System.out.printf("%s: per-agent replay %d ms, merge of %d updates %d ms, ok=%s%n", name, rep / 1_000_000,
                        all.size(), merge / 1_000_000, ok);
            }
        }
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}

package dev.weft.crdt.core;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.TextDocument;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Loading and replaying the editing traces of ../shared/traces (format: that directory's README). */
final class Traces {
    private Traces() {
    }

    static Path dir() {
        return Path.of(System.getProperty("weft.traces", "../shared/traces"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(Path file) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Flat patches of a sequential trace: {@code int[]{pos, del}} and the inserted strings. */
    @SuppressWarnings("unchecked")
    static List<Object[]> patches(Map<String, Object> trace) {
        List<Object[]> out = new ArrayList<>();
        for (Object t : (List<Object>) trace.get("txns")) {
            for (Object p : (List<Object>) ((Map<String, Object>) t).get("patches")) {
                List<Object> l = (List<Object>) p;
                out.add(new Object[]{((Long) l.get(0)).intValue(), ((Long) l.get(1)).intValue(), l.get(2)});
            }
        }
        return out;
    }

    /** Replays sequential {@code patches} as local edits on {@code doc}; returns each edit's update in order. */
    static List<byte[]> replayLocally(TextDocument doc, List<Object[]> patches) {
        List<byte[]> ups = new ArrayList<>(patches.size());
        for (Object[] p : patches) {
            int pos = (Integer) p[0], del = (Integer) p[1];
            String ins = (String) p[2];
            if (del > 0) {
                ups.add(doc.delete(pos, del).update());
            }
            if (!ins.isEmpty()) {
                ups.add(doc.insert(pos, ins).update());
            }
        }
        return ups;
    }

    /** Applies {@code patches} as local edits without asking for their updates (they are encoded on demand). */
    static void editLocally(TextDocument doc, List<Object[]> patches) {
        for (Object[] p : patches) {
            int pos = (Integer) p[0], del = (Integer) p[1];
            String ins = (String) p[2];
            if (del > 0) {
                doc.delete(pos, del);
            }
            if (!ins.isEmpty()) {
                doc.insert(pos, ins);
            }
        }
    }

    /** The text {@code patches} leave, applied to a plain {@link StringBuilder} (the floor to compare with). */
    static String replayOnStringBuilder(List<Object[]> patches) {
        StringBuilder sb = new StringBuilder();
        for (Object[] p : patches) {
            int pos = (Integer) p[0], del = (Integer) p[1];
            sb.delete(pos, pos + del);
            sb.insert(pos, (String) p[2]);
        }
        return sb.toString();
    }

    /** A new replica with agent {@code agent} that applied {@code updates} in order. */
    static TextDocument merged(long agent, List<byte[]> updates) {
        TextDocument m = new TextDocument(agent);
        for (byte[] u : updates) {
            m.applyUpdate(u);
        }
        return m;
    }

    /** Replays a concurrent trace (one replica per agent, synced to each txn's parents) and merges everything. */
    @SuppressWarnings("unchecked")
    static TextDocument[] replayConcurrent(Map<String, Object> trace, List<byte[]> allUpdates) {
        List<Object> txns = (List<Object>) trace.get("txns");
        int nAgents = ((Long) trace.get("numAgents")).intValue();
        TextDocument[] docs = new TextDocument[nAgents];
        boolean[][] has = new boolean[nAgents][txns.size()];
        for (int i = 0; i < nAgents; i++) {
            docs[i] = new TextDocument(1000 + i);
        }
        int[][] parents = new int[txns.size()][];
        List<List<byte[]>> txUpdates = new ArrayList<>();
        for (int t = 0; t < txns.size(); t++) {
            Map<String, Object> tx = (Map<String, Object>) txns.get(t);
            List<Object> ps = (List<Object>) tx.get("parents");
            parents[t] = ps.stream().mapToInt(o -> ((Long) o).intValue()).toArray();
            int agent = ((Long) tx.get("agent")).intValue();
            TextDocument d = docs[agent];
            // bring d to exactly the parents' version
            List<Integer> need = new ArrayList<>();
            ArrayList<Integer> stack = new ArrayList<>();
            for (int p : parents[t]) {
                stack.add(p);
            }
            boolean[] mark = has[agent];
            while (!stack.isEmpty()) {
                int x = stack.remove(stack.size() - 1);
                if (mark[x]) {
                    continue;
                }
                mark[x] = true;
                need.add(x);
                for (int p : parents[x]) {
                    if (!mark[p]) {
                        stack.add(p);
                    }
                }
            }
            need.sort(null);
            for (int x : need) {
                for (byte[] u : txUpdates.get(x)) {
                    d.applyUpdate(u);
                }
            }
            List<byte[]> mine = new ArrayList<>();
            for (Object p : (List<Object>) tx.get("patches")) {
                List<Object> l = (List<Object>) p;
                int pos = ((Long) l.get(0)).intValue(), del = ((Long) l.get(1)).intValue();
                String ins = (String) l.get(2);
                if (del > 0) {
                    mine.add(d.delete(pos, del).update());
                }
                if (!ins.isEmpty()) {
                    mine.add(d.insert(pos, ins).update());
                }
            }
            mark[t] = true;
            txUpdates.add(mine);
            allUpdates.addAll(mine);
        }
        return docs;
    }
}

// Relay benchmarks (not tests). Run through bench/relay/run.sh, which starts the relay and passes its URL and pid.
// Single-file program: java -cp lsp-server/target/weft-server.jar bench/relay/RelayBench.java <mode> [options]
//   fanout --relay URL [--seconds 20] [--rate 20] [--receivers 3]
//   load   --relay URL --pid PID [--clients 200] [--rooms 50] [--rate 10] [--seconds 60]
//   ack    --relay URL [--seconds 15] [--rate 20]
//   coldstart --jar weft-relay.jar [--runs 5]
// Prints a table on stderr and one JSON object on stdout.

import dev.weft.crdt.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.transport.RelayClient;
import dev.weft.lsp.transport.RoomApi;
import dev.weft.lsp.transport.RoomCredentials;
import dev.weft.lsp.transport.SharedDocument;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

public class RelayBench {
    /** Keystrokes (fanout) or updates (ack) sent first and not measured, so the JIT has compiled the hot paths. */
    static final int WARMUP = 40;

    public static void main(String[] argv) throws Exception {
        Logger.getLogger("").setLevel(Level.SEVERE);
        if (argv.length == 0) {
            System.err.println("usage: RelayBench fanout|load|ack|coldstart [--option value]…");
            System.exit(2);
        }
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            o.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Map<String, Object> result = switch (argv[0]) {
            case "fanout" -> fanout(URI.create(o.get("relay")), num(o, "seconds", 20), num(o, "rate", 20),
                    (int) num(o, "receivers", 3));
            case "load" -> load(URI.create(o.get("relay")), Long.parseLong(o.getOrDefault("pid", "0")),
                    (int) num(o, "clients", 200), (int) num(o, "rooms", 50), num(o, "rate", 10),
                    num(o, "seconds", 60));
            case "ack" -> ack(URI.create(o.get("relay")), num(o, "seconds", 15), num(o, "rate", 20));
            case "coldstart" -> coldstart(Path.of(o.get("jar")), (int) num(o, "runs", 5));
            default -> throw new IllegalArgumentException("unknown mode " + argv[0]);
        };
        StringBuilder json = new StringBuilder("{");
        result.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v instanceof String s ? '"' + s + '"' : fmt(v)));
        System.out.println(json.append('}'));
        System.err.println("---- " + argv[0]);
        result.forEach((k, v) -> System.err.printf("  %-28s %s%n", k, fmt(v)));
        System.exit(0);
    }

    // ---------------------------------------------------------------- fan-out: 1 typist, N receivers, one doc

    static Map<String, Object> fanout(URI relay, double seconds, double rate, int receivers) throws Exception {
        RoomCredentials room = new RoomApi(relay).createRoom();
        List<RelayClient> clients = new ArrayList<>();
        List<SharedDocument> docs = new ArrayList<>();
        for (int i = 0; i <= receivers; i++) {
            RelayClient c = new RelayClient(RelayClient.Options.of(relay, room.room(), room.secret()));
            c.connect().get(10, TimeUnit.SECONDS);
            clients.add(c);
            SharedDocument d = SharedDocument.open(c, "fanout.txt", new TextDocument(100 + i));
            d.firstSync().get(10, TimeUnit.SECONDS);
            docs.add(d);
        }
        int keystrokes = (int) (seconds * rate) + WARMUP;
        java.util.concurrent.atomic.AtomicLongArray sentAt = new java.util.concurrent.atomic.AtomicLongArray(keystrokes);
        Samples latency = new Samples();
        for (int i = 1; i <= receivers; i++) {
            docs.get(i).addRemoteChangeListener(changes -> {
                long now = System.nanoTime();
                for (TextChange c : changes) {
                    for (int k = 0; k < c.insertText().length(); k++) {
                        int idx = c.offset() + k; // the typist appends: offset = keystroke index
                        if (idx >= WARMUP && idx < keystrokes && sentAt.get(idx) != 0) {
                            latency.add(now - sentAt.get(idx));
                        }
                    }
                }
            });
        }
        Thread.sleep(500);
        SharedDocument typist = docs.get(0);
        long start = System.nanoTime();
        for (int i = 0; i < keystrokes; i++) {
            sleepUntil(start + (long) (i * 1e9 / rate));
            int at = i;
            typist.edit(t -> {
                sentAt.set(at, System.nanoTime());
                return t.insert(at, Character.toString('a' + at % 26));
            }).join();
        }
        typist.awaitAllAcked(Duration.ofSeconds(10));
        Thread.sleep(500);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "fanout");
        r.put("keystrokes", keystrokes);
        r.put("receivers", receivers);
        r.put("rate_per_s", rate);
        r.put("deliveries", latency.size());
        r.put("expected_deliveries", (long) (keystrokes - WARMUP) * receivers);
        r.put("warmup_keystrokes_excluded", WARMUP);
        r.putAll(latency.summary("latency_ms"));
        docs.forEach(SharedDocument::close);
        clients.forEach(RelayClient::close);
        return r;
    }

    // ---------------------------------------------------------------- load: many rooms, everyone types

    static Map<String, Object> load(URI relay, long pid, int clientsN, int roomsN, double rate, double seconds)
            throws Exception {
        List<RoomCredentials> rooms = new ArrayList<>();
        for (int i = 0; i < roomsN; i++) {
            rooms.add(new RoomApi(relay).createRoom());
        }
        ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
        Samples latency = new Samples();
        AtomicLong errors = new AtomicLong();
        AtomicLong reconnects = new AtomicLong();
        AtomicLong connectRetries = new AtomicLong();
        List<RelayClient> clients = new ArrayList<>();
        List<SharedDocument> docs = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            RoomCredentials room = rooms.get(i % roomsN);
            RelayClient c = new RelayClient(RelayClient.Options.of(relay, room.room(), room.secret())
                    .withTimings(Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2),
                            Duration.ofSeconds(10)));
            c.addStateListener((s, cause) -> {
                if (s == dev.weft.lsp.transport.ConnectionState.RECONNECTING
                        || s == dev.weft.lsp.transport.ConnectionState.OFFLINE) {
                    reconnects.incrementAndGet();
                }
            });
            // A first attempt may time out while hundreds connect at once: the client retries by itself.
            c.connect().exceptionally(e -> {
                connectRetries.incrementAndGet();
                return null;
            });
            clients.add(c);
            SharedDocument d = SharedDocument.open(c, "load.txt", new TextDocument(10_000 + i));
            d.addErrorListener(e -> errors.incrementAndGet());
            d.addRemoteChangeListener(changes -> {
                long now = System.nanoTime();
                for (TextChange ch : changes) {
                    String s = ch.insertText();
                    // tokens look like "<client>.<seq>;" — find each whole token
                    int from = 0;
                    while (from < s.length()) {
                        int end = s.indexOf(';', from);
                        if (end < 0) {
                            break;
                        }
                        Long t = sentAt.get(s.substring(from, end));
                        if (t != null) {
                            latency.add(now - t);
                        }
                        from = end + 1;
                    }
                }
            });
            docs.add(d);
        }
        long setup0 = System.nanoTime();
        while (true) {
            long synced = docs.stream().filter(d -> d.firstSync().isDone()).count();
            if (synced == docs.size()) {
                break;
            }
            if (System.nanoTime() - setup0 > 300e9) {
                throw new IllegalStateException("only " + synced + "/" + docs.size() + " members synced in 300 s");
            }
            System.err.printf("load: %d/%d members synced after %.0f s%n", synced, docs.size(),
                    (System.nanoTime() - setup0) / 1e9);
            Thread.sleep(5000);
        }
        double setupSeconds = (System.nanoTime() - setup0) / 1e9;
        reconnects.set(0); // count losses during the measured run only
        long cpu0 = cpuTicks(pid);
        long selfCpu0 = selfCpuNanos();
        long wall0 = System.nanoTime();
        ScheduledExecutorService typists = Executors.newScheduledThreadPool(4);
        long periodNanos = (long) (1e9 / rate);
        long warmupNanos = (long) (Math.min(5, seconds / 4) * 1e9);
        long measureFrom = System.nanoTime() + warmupNanos;
        long end = measureFrom + (long) (seconds * 1e9);
        AtomicLong typed = new AtomicLong();
        AtomicLong typedMeasured = new AtomicLong();
        List<long[]> heapSamples = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            SharedDocument d = docs.get(i);
            int me = i;
            AtomicLong seq = new AtomicLong();
            typists.scheduleAtFixedRate(() -> {
                if (System.nanoTime() > end) {
                    return;
                }
                String token = me + "." + seq.getAndIncrement();
                boolean measured = System.nanoTime() > measureFrom;
                d.edit(t -> {
                    if (measured) {
                        sentAt.put(token, System.nanoTime());
                    }
                    typed.incrementAndGet();
                    if (measured) {
                        typedMeasured.incrementAndGet();
                    }
                    return t.insert(t.length(), token + ";");
                });
            }, (long) (periodNanos * (i / (double) clientsN)), periodNanos, TimeUnit.NANOSECONDS);
        }
        while (System.nanoTime() < end) {
            Thread.sleep(5000);
            heapSamples.add(new long[] {heapUsedKb(pid), rssKb(pid)});
        }
        typists.shutdown();
        long cpu1 = cpuTicks(pid);
        long selfCpu1 = selfCpuNanos();
        double wall = (System.nanoTime() - wall0) / 1e9;
        Thread.sleep(2000);
        long unacked = 0;
        for (SharedDocument d : docs) {
            d.awaitAllAcked(Duration.ofSeconds(20));
            unacked += d.unackedCount();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "load");
        r.put("clients", clientsN);
        r.put("rooms", roomsN);
        r.put("rate_per_client_per_s", rate);
        r.put("seconds", seconds);
        r.put("keystrokes", typed.get());
        r.put("deliveries", latency.size());
        r.put("measured_keystrokes", typedMeasured.get());
        r.put("measured_deliveries_expected", typedMeasured.get() * (clientsN / roomsN - 1));
        r.put("warmup_seconds_excluded", warmupNanos / 1e9);
        r.put("setup_seconds_all_synced", setupSeconds);
        r.put("first_connect_retries", connectRetries.get());
        r.put("errors", errors.get());
        r.put("connection_losses", reconnects.get());
        r.put("unacked_at_end", unacked);
        r.putAll(latency.summary("fanout_ms"));
        if (pid > 0) {
            r.put("relay_cpu_percent_avg", 100.0 * (cpu1 - cpu0) / 100.0 / wall); // ticks are 1/100 s
            r.put("relay_heap_used_mb_max", heapSamples.stream().mapToLong(a -> a[0]).max().orElse(-1) / 1024.0);
            r.put("relay_rss_mb_max", heapSamples.stream().mapToLong(a -> a[1]).max().orElse(-1) / 1024.0);
        }
        r.put("generator_cpu_percent_avg", 100.0 * (selfCpu1 - selfCpu0) / 1e9 / wall);
        docs.forEach(SharedDocument::close);
        clients.forEach(RelayClient::close);
        return r;
    }

    static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    // ---------------------------------------------------------------- durable ack latency

    static Map<String, Object> ack(URI relay, double seconds, double rate) throws Exception {
        RoomCredentials room = new RoomApi(relay).createRoom();
        RelayClient c = new RelayClient(RelayClient.Options.of(relay, room.room(), room.secret()));
        c.connect().get(10, TimeUnit.SECONDS);
        SharedDocument d = SharedDocument.open(c, "ack.txt", new TextDocument(77));
        d.firstSync().get(10, TimeUnit.SECONDS);
        int n = (int) (seconds * rate) + WARMUP;
        long[] sentAt = new long[n + 1]; // by seq after the edit
        Samples latency = new Samples();
        AtomicLong measuredUpTo = new AtomicLong();
        d.addAckListener(() -> {
            long now = System.nanoTime();
            long acked = d.ackedSeq();
            for (long s = measuredUpTo.get() + 1; s <= Math.min(acked, n); s++) {
                if (s > WARMUP) {
                    latency.add(now - sentAt[(int) s]);
                }
            }
            measuredUpTo.set(Math.max(measuredUpTo.get(), Math.min(acked, n)));
        });
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sleepUntil(start + (long) (i * 1e9 / rate));
            int at = i;
            d.edit(t -> {
                sentAt[at + 1] = System.nanoTime();
                return t.insert(at, "x");
            }).join();
        }
        d.awaitAllAcked(Duration.ofSeconds(10));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "ack");
        r.put("updates_measured", n - WARMUP);
        r.put("rate_per_s", rate);
        r.putAll(latency.summary("durable_ack_ms"));
        d.close();
        c.close();
        return r;
    }

    // ---------------------------------------------------------------- cold start

    static Map<String, Object> coldstart(Path jar, int runs) throws Exception {
        Samples s = new Samples();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        String java = ProcessHandle.current().info().command().orElse("java");
        for (int i = 0; i < runs; i++) {
            Path data = Files.createTempDirectory("weft-coldstart");
            int port;
            try (ServerSocket ss = new ServerSocket(0)) {
                port = ss.getLocalPort();
            }
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(java, "-jar", jar.toString(), "--port", Integer.toString(port), "--data",
                    data.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            URI health = URI.create("http://127.0.0.1:" + port + "/healthz");
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                if (!p.isAlive() || System.nanoTime() - t0 > 60e9) {
                    throw new IllegalStateException("relay did not become healthy");
                }
                Thread.sleep(5);
            }
            s.add(System.nanoTime() - t0);
            p.destroy();
            p.waitFor();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "coldstart");
        r.put("runs", runs);
        r.putAll(s.summary("healthz_ms"));
        return r;
    }

    // ---------------------------------------------------------------- helpers

    static final class Samples {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        synchronized int size() {
            return size;
        }

        synchronized Map<String, Object> summary(String prefix) {
            long[] v = Arrays.copyOf(values, size);
            Arrays.sort(v);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(prefix + "_p50", pct(v, 0.50));
            m.put(prefix + "_p90", pct(v, 0.90));
            m.put(prefix + "_p99", pct(v, 0.99));
            m.put(prefix + "_max", v.length == 0 ? Double.NaN : v[v.length - 1] / 1e6);
            m.put(prefix + "_min", v.length == 0 ? Double.NaN : v[0] / 1e6);
            return m;
        }

        private static double pct(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    static double num(Map<String, String> o, String k, double d) {
        return o.containsKey(k) ? Double.parseDouble(o.get(k)) : d;
    }

    static String fmt(Object v) {
        if (v instanceof Double d) {
            return Double.isNaN(d) ? "null" : String.format(Locale.ROOT, "%.3f", d);
        }
        return String.valueOf(v);
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    /** Used Java heap of the relay via jcmd GC.heap_info (KB), or -1. */
    static long heapUsedKb(long pid) {
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
            long used = 0;
            boolean any = false;
            // G1: "garbage-first heap   total 262144K, used 12345K"; first match is the whole heap
            if (m.find()) {
                used = Long.parseLong(m.group(1));
                any = true;
            }
            return any ? used : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}

// Relay benchmarks (not tests). Run through bench/relay/run.sh, which starts the relay and passes its URL and pid.
// Single-file program: java -cp relay-server/target/weft-relay.jar:client/target/weft-client.jar \
//     bench/relay/RelayBench.java <mode> [options]
//   fanout --relay URL [--seconds 20] [--rate 20] [--receivers 3] [--client socketio|lean|netty]
//   load   --relay URL --pid PID [--clients 200] [--rooms 50] [--rate 10] [--seconds 60]
//          [--client lean|netty|socketio] [--gen-threads 1]
//          [--warmup-seconds min(5, seconds/4)] [--samples-out FILE]
// --client socketio: the production client (RelayClient + SharedDocument, Socket.IO Java client 2.1.2);
// --client lean: Engine.IO/Socket.IO framing over java.net.http.WebSocket with the real CRDT and MessageCodec
// (see LeanMember); --client netty: the same over Netty's WebSocket client, every member and its typist on one
// event loop group of --gen-threads threads (default 1; fanout: 1; see NettyMember). Defaults: fanout socketio,
// load lean. Needs the relay jar (Netty's codec-http) on the classpath before the client jar, as run.sh does.
//   ack    --relay URL [--seconds 15] [--rate 20]
//   cluster --relays URL1,URL2,… --pids P1,P2,… [--clients 1000] [--rooms 250] [--rate 10] [--seconds 30]
//          [--kill true] [--after-kill 15] [--label NAME]: members of each room spread over the nodes
//          (FailoverMember); after the measured window one node is SIGKILLed while typing goes on; its members
//          fail over to the next URL and resync; at the end every acknowledged token is looked for in each room's
//          text read fresh from a surviving node.
//   coldstart --jar weft-relay.jar [--runs 5]
// Prints a table on stderr and one JSON object on stdout.

import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.SharedDocument;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

public class RelayBench {
    /** Updates (ack) sent first and not measured, so the JIT has compiled the hot paths. */
    static final int WARMUP = 40;
    /*
     * UNBOUNDED_DEMAND: members request all frames once in onOpen instead of request(1) per frame. JDK 17's
     * WebSocket fails with InternalError in TransportImpl.acknowledgeReception when request(1) from onOpen races
     * the first received frame (seen here with 400 members connecting at once on a loaded machine: half of them
     * lost their connection). Listener calls stay serialised either way.
     */
    /** Whether a member's connection error was already printed with its stack trace (once per run). */
    static final java.util.concurrent.atomic.AtomicBoolean FIRST_ERROR_TRACE = new java.util.concurrent.atomic.AtomicBoolean();

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
                    (int) num(o, "receivers", 3), o.getOrDefault("client", "socketio"), (int) num(o, "warmup", 3000));
            case "load" -> load(URI.create(o.get("relay")), Long.parseLong(o.getOrDefault("pid", "0")),
                    (int) num(o, "clients", 200), (int) num(o, "rooms", 50), num(o, "rate", 10),
                    num(o, "seconds", 60), num(o, "warmup-seconds", Math.min(5, num(o, "seconds", 60) / 4)),
                    o.get("samples-out"), o.getOrDefault("client", "lean"), (int) num(o, "gen-threads", 1));
            case "ack" -> ack(URI.create(o.get("relay")), num(o, "seconds", 15), num(o, "rate", 20));
            case "cluster" -> cluster(Arrays.stream(o.get("relays").split(",")).map(URI::create).toList(),
                    Arrays.stream(o.get("pids").split(",")).mapToLong(Long::parseLong).toArray(),
                    (int) num(o, "clients", 1000), (int) num(o, "rooms", 250), num(o, "rate", 10),
                    num(o, "seconds", 30), num(o, "after-kill", 15), Boolean.parseBoolean(o.getOrDefault("kill", "true")),
                    o.getOrDefault("label", "cluster"));
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

    static Map<String, Object> fanout(URI relay, double seconds, double rate, int receivers, String clientKind,
                                      int warmup) throws Exception {
        RoomCredentials room = new RoomApi(relay).createRoom();
        int keystrokes = (int) (seconds * rate) + warmup;
        java.util.concurrent.atomic.AtomicLongArray sentAt = new java.util.concurrent.atomic.AtomicLongArray(keystrokes);
        Samples latency = new Samples();
        java.util.function.Consumer<List<TextChange>> onRemote = changes -> {
            long now = System.nanoTime();
            for (TextChange c : changes) {
                for (int k = 0; k < c.insertText().length(); k++) {
                    int idx = c.offset() + k; // the typist appends: offset = keystroke index
                    if (idx >= warmup && idx < keystrokes && sentAt.get(idx) != 0) {
                        latency.add(now - sentAt.get(idx));
                    }
                }
            }
        };
        AtomicLong errors = new AtomicLong();
        AtomicLong losses = new AtomicLong();
        java.net.http.HttpClient http = leanHttpClient();
        NettyMembers netty = clientKind.equals("netty") ? new NettyMembers(1) : null;
        List<LoadMember> docs = new ArrayList<>();
        for (int i = 0; i <= receivers; i++) {
            java.util.function.Consumer<List<TextChange>> listener = i == 0 ? changes -> { } : onRemote;
            LoadMember m = switch (clientKind) {
                case "socketio" -> new SocketIoMember(relay, room, 100 + i, "fanout.txt", listener, errors, losses,
                        losses);
                case "lean" -> new LeanMember(http, relay, room, 100 + i, "fanout.txt", listener, errors, losses);
                case "netty" -> new NettyMember(netty, relay, room, 100 + i, "fanout.txt", listener, errors, losses);
                default -> throw new IllegalArgumentException("unknown --client " + clientKind);
            };
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!m.synced()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("member " + i + " did not sync within 10 s");
                }
                Thread.sleep(10);
            }
            docs.add(m);
        }
        Thread.sleep(500);
        LoadMember typist = docs.get(0);
        // Warm-up: the first keystrokes go at 1 kHz so the JIT compiles the relay's and the clients' hot paths,
        // as in a relay that has been serving for a while; they are not measured.
        long warmStart = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            sleepUntil(warmStart + i * 1_000_000L);
            int at = i;
            typist.edit(t -> t.insert(at, Character.toString('a' + at % 26)));
        }
        typist.awaitAcked(Duration.ofSeconds(30));
        Thread.sleep(1000);
        double[][] forwardBefore = scrapeHistogram(relay, "weft_forward_latency_seconds");
        long start = System.nanoTime();
        for (int i = warmup; i < keystrokes; i++) {
            sleepUntil(start + (long) ((i - warmup) * 1e9 / rate));
            int at = i;
            typist.edit(t -> {
                sentAt.set(at, System.nanoTime());
                return t.insert(at, Character.toString('a' + at % 26));
            });
        }
        long unacked = typist.awaitAcked(Duration.ofSeconds(10));
        Thread.sleep(500);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "fanout");
        r.put("client", clientKind);
        r.put("errors", errors.get());
        r.put("connection_losses", losses.get());
        r.put("unacked_at_end", unacked);
        r.put("keystrokes", keystrokes);
        r.put("receivers", receivers);
        r.put("rate_per_s", rate);
        r.put("deliveries", latency.size());
        r.put("expected_deliveries", (long) (keystrokes - warmup) * receivers);
        r.put("warmup_keystrokes_excluded", warmup);
        r.putAll(latency.summary("latency_ms"));
        r.putAll(histogramSummary(forwardBefore, scrapeHistogram(relay, "weft_forward_latency_seconds"),
                "relay_forward_ms"));
        docs.forEach(LoadMember::close);
        return r;
    }

    // ---------------------------------------------------------------- load: many rooms, everyone types

    /**
     * The relay's counters at one moment, for the differences over a measured window: process CPU ticks (all and
     * system), context switches, per-thread ticks, commits and Acks from {@code /metrics}, and this generator's own
     * CPU time; {@code nanos} is when it was taken.
     */
    record RelayReading(long cpu, long sys, long switches, Map<Long, ThreadTicks> threads, double commits,
                        double[][] acks, double ackSum, double commitSum, long selfCpu, long nanos) {
        static RelayReading take(URI relay, long pid) throws Exception {
            String page = metricsPage(relay);
            double[][] commits = histogram(page, "weft_storage_commit_seconds");
            return new RelayReading(cpuTicks(pid), systemTicks(pid), contextSwitches(pid), threadTicks(pid),
                    total(commits), histogram(page, "weft_ack_latency_seconds"),
                    scalar(page, "weft_ack_latency_seconds_sum"), scalar(page, "weft_storage_commit_seconds_sum"),
                    selfCpuNanos(), System.nanoTime());
        }
    }

    /** The count of a scraped histogram (its +Inf bucket), or 0 if it has no buckets. */
    static double total(double[][] histogram) {
        return histogram.length == 0 ? 0 : histogram[histogram.length - 1][1];
    }

    static Map<String, Object> load(URI relay, long pid, int clientsN, int roomsN, double rate, double seconds,
                                    double warmupSeconds, String samplesOut, String clientKind, int genThreads)
            throws Exception {
        List<RoomCredentials> rooms = new ArrayList<>();
        for (int i = 0; i < roomsN; i++) {
            rooms.add(new RoomApi(relay).createRoom());
        }
        SendClock clock = new SendClock(clientsN, SendClock.ticksFor(warmupSeconds + seconds, rate));
        // Sized for every delivery of the measured window up front, so that no array doubles (and is copied) inside
        // the window. The generator's long pauses at 1,400 clients and more come from what its members hold (each a
        // replica of its room's document), not from these arrays (docs/benchmarks.md, "The benchmark's own probes
        // in the tail").
        int expectedDeliveries = (int) Math.min(Integer.MAX_VALUE / 2 - 16,
                1.05 * clientsN * rate * seconds * Math.max(1, Math.ceil(clientsN / (double) roomsN) - 1) + 1024);
        Samples latency = new Samples(expectedDeliveries);
        // --samples-out FILE: every measured delivery as "sentNanos receivedNanos" (System.nanoTime is
        // CLOCK_MONOTONIC, comparable across processes), to merge runs of several generator processes.
        TimedSamples trace = samplesOut == null ? null : new TimedSamples(expectedDeliveries);
        AtomicLong errors = new AtomicLong();
        AtomicLong reconnects = new AtomicLong();
        AtomicLong connectRetries = new AtomicLong();
        java.util.function.Consumer<List<TextChange>> onRemote = clock.receiver(latency, trace);
        List<LoadMember> docs = new ArrayList<>();
        java.net.http.HttpClient http = clientKind.equals("lean") ? leanHttpClient() : null;
        NettyMembers netty = clientKind.equals("netty") ? new NettyMembers(genThreads) : null;
        for (int i = 0; i < clientsN; i++) {
            RoomCredentials room = rooms.get(i % roomsN);
            docs.add(switch (clientKind) {
                case "socketio" -> new SocketIoMember(relay, room, 10_000 + i, "load.txt", onRemote, errors, reconnects,
                        connectRetries);
                case "lean" -> new LeanMember(http, relay, room, 10_000 + i, "load.txt", onRemote, errors, reconnects);
                case "netty" -> new NettyMember(netty, relay, room, 10_000 + i, "load.txt", onRemote, errors,
                        reconnects);
                default -> throw new IllegalArgumentException("unknown --client " + clientKind);
            });
            if (i % CONNECT_WAVE == CONNECT_WAVE - 1) {
                awaitSynced(docs.subList(i + 1 - CONNECT_WAVE, i + 1), Duration.ofSeconds(30));
            }
        }
        long setup0 = System.nanoTime();
        while (true) {
            long synced = docs.stream().filter(LoadMember::synced).count();
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
        ScheduledExecutorService typists = Executors.newScheduledThreadPool(4);
        long periodNanos = (long) (1e9 / rate);
        long warmupNanos = (long) (warmupSeconds * 1e9);
        long measureFrom = System.nanoTime() + warmupNanos;
        long end = measureFrom + (long) (seconds * 1e9);
        AtomicLong typed = new AtomicLong();
        AtomicLong typedMeasured = new AtomicLong();
        List<long[]> heapSamples = new ArrayList<>();
        // Tokens typed by each member ("<member>.0" … "<member>.<n-1>"), for the check of every room's text.
        AtomicLong[] seqs = new AtomicLong[clientsN];
        List<java.util.concurrent.ScheduledFuture<?>> typing = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            LoadMember d = docs.get(i);
            int me = i;
            AtomicLong seq = seqs[i] = new AtomicLong();
            // The lean and socketio members' typists share a pool of 4 threads; a netty member's typist runs on its
            // own channel's event loop.
            typing.add(d.typingExecutor(typists).scheduleAtFixedRate(() -> {
                if (System.nanoTime() > end) {
                    return;
                }
                int k = (int) seq.getAndIncrement();
                String token = me + "." + k;
                boolean measured = System.nanoTime() > measureFrom;
                measuringAcks = measured;
                d.appendToken(token, () -> {
                    if (measured) {
                        clock.sent(me, k, System.nanoTime());
                    }
                    typed.incrementAndGet();
                    if (measured) {
                        typedMeasured.incrementAndGet();
                    }
                });
            }, (long) (periodNanos * (i / (double) clientsN)), periodNanos, TimeUnit.NANOSECONDS));
        }
        // Every relay-side figure covers the measured window only, as bench/hocuspocus/load.mjs does for Hocuspocus:
        // the warm-up (the JIT's first compilations among other things) is typed at the same rate but not counted.
        // One untimed reading during the warm-up, so that the generator's first scrape (HTTP client and parsing code
        // loaded and compiled on its core) does not fall into the measured window, as it did until 2026-12-08.
        RelayReading.take(relay, pid);
        sleepUntil(measureFrom);
        reconnects.set(0); // count losses during the measured run only
        RelayReading before = RelayReading.take(relay, pid);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(5000, (end - System.nanoTime()) / 1_000_000)));
            heapSamples.add(new long[] {heapUsedKb(relay), rssKb(pid)});
        }
        typists.shutdown();
        typing.forEach(t -> t.cancel(false));
        measuringAcks = false;
        RelayReading after = RelayReading.take(relay, pid);
        double wall = (after.nanos() - before.nanos()) / 1e9;
        Thread.sleep(2000);
        long unacked = 0;
        for (LoadMember d : docs) {
            unacked += d.awaitAcked(Duration.ofSeconds(20));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", "load");
        r.put("client", clientKind);
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
        r.putAll(checkRoomTexts(docs, roomsN, seqs));
        if (netty != null) {
            r.put("generator_netty_transport", netty.transport);
            r.put("generator_netty_threads", genThreads);
        }
        r.putAll(latency.summary("fanout_ms"));
        // Update sent → its Ack received, at the members (lean client only): includes the commit and its group window.
        r.putAll(LOAD_ACKS.summary("ack_ms"));
        if (trace != null) {
            trace.write(Path.of(samplesOut), measureFrom);
        }
        if (pid > 0) {
            double relayCpu = 100.0 * (after.cpu() - before.cpu()) / 100.0 / wall; // ticks are 1/100 s
            double updatesPerSecond = typedMeasured.get() / seconds;
            r.put("relay_cpu_percent_avg", relayCpu);
            r.put("updates_per_s", updatesPerSecond);
            r.put("relay_cpu_percent_per_1000_updates_per_s", relayCpu / (updatesPerSecond / 1000));
            // stime's share of utime + stime: the kernel's part (socket writes, wake-ups, fsync)
            long relayTicks = after.cpu() - before.cpu();
            r.put("relay_cpu_kernel_share",
                    relayTicks > 0 ? (double) (after.sys() - before.sys()) / relayTicks : 0.0);
            // The same CPU per 1,000 updates/s split by thread group (threads alive at the end of the window).
            cpuByThreadGroup(before.threads(), after.threads()).forEach((group, ticks) -> r.put(
                    "relay_cpu_per_1000_updates_per_s_" + group, 100.0 * ticks / 100.0 / wall / (updatesPerSecond / 1000)));
            // Context switches of the relay's live threads (/proc/PID/task/*/status) per update typed in the
            // measured window: a thread that blocks and is woken again counts one. (/proc/PID/io's syscall counts
            // are not used: they miss sendto/recvfrom, which the epoll transport uses for sockets and NIO does not.)
            double updates = Math.max(1, typedMeasured.get() * wall / seconds);
            r.put("relay_context_switches_per_update", (after.switches() - before.switches()) / updates);
            // Group commit size: updates typed per SQLite commit over the window (each commit is an fsync).
            double commits = after.commits() - before.commits();
            r.put("relay_updates_per_commit", commits > 0 ? updates / commits : 0.0);
            r.put("relay_commits_per_s", commits / wall);
            r.put("relay_commit_ms_mean", commits > 0 ? 1000 * (after.commitSum() - before.commitSum()) / commits : 0.0);
            r.put("relay_heap_used_mb_max", heapSamples.stream().mapToLong(a -> a[0]).max().orElse(-1) / 1024.0);
            r.put("relay_rss_mb_max", heapSamples.stream().mapToLong(a -> a[1]).max().orElse(-1) / 1024.0);
        }
        r.put("generator_cpu_percent_avg", 100.0 * (after.selfCpu() - before.selfCpu()) / 1e9 / wall);
        r.put("load_average_1m", loadAverage());
        r.putAll(histogramSummary(new double[0][], scrapeHistogram(relay, "weft_forward_latency_seconds"),
                "relay_forward_ms"));
        // Update received → Ack handed to the sender's connection (after its commit), over the measured window.
        r.putAll(histogramSummary(before.acks(), after.acks(), "relay_ack_ms"));
        double acked = total(after.acks()) - total(before.acks());
        r.put("relay_ack_ms_mean", acked > 0 ? 1000 * (after.ackSum() - before.ackSum()) / acked : 0.0);
        docs.forEach(LoadMember::close);
        if (netty != null) {
            netty.close();
        }
        return r;
    }

    /**
     * Whether every room's text came out right: all its members' replicas equal, holding each token its members
     * typed ({@code "<member>.<k>;"} for k below {@code typed[member]}) exactly once and nothing else. Waits up to
     * 20 s for the replicas to converge (deliveries may still be on their way after the last Ack). Returns
     * {@code rooms_text_correct} and {@code rooms_text_wrong}; the first wrong room is described on stderr.
     */
    static Map<String, Object> checkRoomTexts(List<LoadMember> docs, int roomsN, AtomicLong[] typed)
            throws InterruptedException {
        int correct = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        String firstProblem = null;
        for (int room = 0; room < roomsN; room++) {
            java.util.Set<String> expected = new java.util.HashSet<>();
            for (int i = room; i < docs.size(); i += roomsN) {
                for (long k = 0; k < typed[i].get(); k++) {
                    expected.add(i + "." + k);
                }
            }
            String problem;
            do {
                problem = roomTextProblem(docs, roomsN, room, expected);
            } while (problem != null && System.nanoTime() < deadline && sleepMillis(50));
            if (problem == null) {
                correct++;
            } else if (firstProblem == null) {
                firstProblem = "room " + room + ": " + problem;
            }
        }
        if (firstProblem != null) {
            System.err.println("load: wrong text in " + firstProblem);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rooms_text_correct", correct);
        r.put("rooms_text_wrong", roomsN - correct);
        return r;
    }

    /** What is wrong with room {@code room}'s replicas against the tokens {@code expected}, or null if nothing. */
    private static String roomTextProblem(List<LoadMember> docs, int roomsN, int room, java.util.Set<String> expected) {
        String first = docs.get(room).text();
        for (int i = room + roomsN; i < docs.size(); i += roomsN) {
            if (!docs.get(i).text().equals(first)) {
                return "member " + i + "'s replica differs from member " + room + "'s";
            }
        }
        String[] tokens = first.isEmpty() ? new String[0] : first.split(";", -1);
        // the text ends with ';', so the last piece is empty
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int t = 0; t < tokens.length - 1; t++) {
            if (!seen.add(tokens[t])) {
                return "token " + tokens[t] + " twice";
            }
            if (!expected.contains(tokens[t])) {
                return "token " + tokens[t] + " was never typed";
            }
        }
        if (tokens.length > 0 && !tokens[tokens.length - 1].isEmpty()) {
            return "text does not end with ';'";
        }
        return seen.size() == expected.size() ? null
                : (expected.size() - seen.size()) + " of " + expected.size() + " typed tokens missing";
    }

    /** Sleeps {@code millis} ms; returns true (for use in loop conditions). */
    static boolean sleepMillis(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    /**
     * Members connect in waves of this many, each wave waiting (bounded) for the previous one to sync: thousands
     * of WebSocket handshakes at once from one JVM on a loaded 2-core machine made the JDK client drop connections.
     */
    static final int CONNECT_WAVE = 50;

    /** Waits until every member of {@code wave} synced or {@code timeout} passed. */
    static void awaitSynced(List<LoadMember> wave, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !wave.stream().allMatch(LoadMember::synced)) {
            Thread.sleep(20);
        }
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
        r.putAll(histogramSummary(new double[0][], scrapeHistogram(relay, "weft_storage_commit_seconds"),
                "relay_commit_ms"));
        r.putAll(histogramSummary(new double[0][], scrapeHistogram(relay, "weft_ack_latency_seconds"),
                "relay_ack_ms"));
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

    // ---------------------------------------------------------------- load-generator members

    /** One simulated room member of the load benchmark: one connection, one replica of the room's document. */
    interface LoadMember {
        /** True once the first sync with the relay completed. */
        boolean synced();

        /** Applies {@code edit} to the replica as a local edit and sends its update. */
        void edit(java.util.function.Function<TextDocument, dev.weft.crdt.model.LocalEdit> edit);

        /** Runs {@code beforeEdit}, then appends {@code token + ";"} as a local edit and sends it. */
        default void appendToken(String token, Runnable beforeEdit) {
            edit(t -> {
                beforeEdit.run();
                return t.insert(t.length(), token + ";");
            });
        }

        /** Waits up to {@code timeout} for every sent update to be acknowledged; returns how many are not. */
        long awaitAcked(Duration timeout) throws InterruptedException;

        /** The replica's text now. */
        String text();

        /** Where this member's typist is scheduled: {@code shared} (the benchmark's typist pool) unless overridden. */
        default ScheduledExecutorService typingExecutor(ScheduledExecutorService shared) {
            return shared;
        }

        void close();
    }

    /** The production client: {@link RelayClient} (Socket.IO Java client 2.1.2) + {@link SharedDocument}. */
    static final class SocketIoMember implements LoadMember {
        private final RelayClient client;
        private final SharedDocument doc;

        SocketIoMember(URI relay, RoomCredentials room, long agent, String docName,
                       java.util.function.Consumer<List<TextChange>> onRemote,
                       AtomicLong errors, AtomicLong reconnects, AtomicLong connectRetries) {
            client = new RelayClient(RelayClient.Options.of(relay, room.room(), room.secret())
                    .withTimings(Duration.ofSeconds(20), Duration.ofMillis(100), Duration.ofSeconds(2),
                            Duration.ofSeconds(10)));
            client.addStateListener((s, cause) -> {
                if (s == dev.weft.client.ConnectionState.RECONNECTING
                        || s == dev.weft.client.ConnectionState.OFFLINE) {
                    reconnects.incrementAndGet();
                }
            });
            // A first attempt may time out while hundreds connect at once: the client retries by itself.
            client.connect().exceptionally(e -> {
                connectRetries.incrementAndGet();
                return null;
            });
            doc = SharedDocument.open(client, docName, new TextDocument(agent));
            doc.addErrorListener(e -> errors.incrementAndGet());
            doc.addRemoteChangeListener(onRemote::accept);
        }

        @Override
        public boolean synced() {
            return doc.firstSync().isDone();
        }

        @Override
        public void edit(java.util.function.Function<TextDocument, dev.weft.crdt.model.LocalEdit> edit) {
            doc.edit(edit::apply);
        }

        @Override
        public long awaitAcked(Duration timeout) throws InterruptedException {
            doc.awaitAllAcked(timeout);
            return doc.unackedCount();
        }

        @Override
        public String text() {
            return doc.call(TextDocument::getText).join();
        }

        @Override
        public void close() {
            doc.close();
            client.close();
        }
    }

    /**
     * A {@code java.net.http.WebSocket} listener of the lean members: it asks for every frame at once (see
     * UNBOUNDED_DEMAND), reassembles text frames delivered in parts and hands each whole one to {@link #onFrame},
     * and the connection's end to {@link #onEnd}.
     */
    abstract static class FrameListener implements java.net.http.WebSocket.Listener {
        /** Accumulates a text frame delivered in parts; only touched by the listener callbacks (serialised). */
        private final StringBuilder partial = new StringBuilder();
        /** The socket, once open. */
        volatile java.net.http.WebSocket ws;

        /** One whole Engine.IO / Socket.IO text frame. */
        abstract void onFrame(String frame);

        /** The connection was closed ({@code error} null) or failed. */
        abstract void onEnd(Throwable error);

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket webSocket, int status,
                                                             String reason) {
            onEnd(null);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket webSocket, Throwable error) {
            onEnd(error);
        }

        @Override
        public void onOpen(java.net.http.WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(Long.MAX_VALUE); // see UNBOUNDED_DEMAND
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket webSocket, CharSequence data,
                                                            boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                onFrame(frame);
            }
            return null;
        }

        /** The message of a Socket.IO event frame {@code 42["weft","<base64>"]}. */
        static Message decodeEvent(String frame) {
            int from = frame.indexOf("\",\"") + 3;
            return MessageCodec.decodeBase64(frame.substring(from, frame.length() - 2), MessageCodec.Limits.DEFAULT);
        }
    }

    /** One HTTP client (two callback threads) shared by every {@link LeanMember}'s WebSocket of a benchmark. */
    static java.net.http.HttpClient leanHttpClient() {
        return java.net.http.HttpClient.newBuilder().executor(Executors.newFixedThreadPool(2)).build();
    }

    /** Update sent → its Ack received, at every {@link WireMember} while {@link #measuringAcks} (load benchmark). */
    static final Samples LOAD_ACKS = new Samples();
    /** True during the load benchmark's measured window. */
    static volatile boolean measuringAcks;

    /** The Engine.IO v4 WebSocket endpoint of the relay at {@code relay} (its Socket.IO server). */
    static URI socketIoUri(URI relay) {
        return URI.create(relay.toString().replaceFirst("^http", "ws").replaceAll("/$", "")
                + "/socket.io/?EIO=4&transport=websocket");
    }

    /** A FIFO of longs without boxing (a ring that doubles when full); not thread-safe. */
    static final class LongQueue {
        /** What {@link #poll} returns when the queue is empty. */
        static final long EMPTY = Long.MIN_VALUE;
        /** The ring; its length is a power of two. */
        private long[] ring = new long[16];
        /** Index of the oldest value. */
        private int head;
        /** Number of values held. */
        private int size;

        void add(long value) {
            if (size == ring.length) {
                long[] bigger = new long[ring.length * 2];
                for (int i = 0; i < size; i++) {
                    bigger[i] = ring[(head + i) & (ring.length - 1)];
                }
                ring = bigger;
                head = 0;
            }
            ring[(head + size++) & (ring.length - 1)] = value;
        }

        /** The oldest value, removed, or {@link #EMPTY}. */
        long poll() {
            if (size == 0) {
                return EMPTY;
            }
            long value = ring[head];
            head = (head + 1) & (ring.length - 1);
            size--;
            return value;
        }
    }

    /**
     * The lean members' side of the wire protocol, whatever carries their WebSocket frames: Engine.IO v4 /
     * Socket.IO v5 text frames (open, namespace connect, Hello; ping, pong), then SyncRequest, Updates and their
     * Acks as base64 {@link MessageCodec} messages in event {@code "weft"}, with Weft's real {@link TextDocument}
     * replica integrating every update. Same wire messages as the production client, none of its thread hops.
     * Subclasses send frames ({@link #sendRaw}, {@link #send}) and feed what arrives to {@link #onFrame} (or
     * {@link #onControl} and {@link #onMessage}) and a lost connection to {@link #lost}. No reconnection: a lost
     * connection is counted.
     */
    abstract static class WireMember implements LoadMember {
        /** An event frame's text before the base64 message: Socket.IO event "weft", one string argument. */
        static final String EVENT_OPEN = "42[\"weft\",\"";
        /** An event frame's text after the base64 message. */
        static final String EVENT_CLOSE = "\"]";
        /** The one document this member syncs; immutable. */
        final String docName;
        /** The room joined with Hello. */
        final RoomCredentials room;
        /** This member's agent id (its replica's and Hello's). */
        final long agent;
        /** Called with the changes every remote Update made to the replica (the latency probe). */
        final java.util.function.Consumer<List<TextChange>> onRemote;
        /** Counts relay Errors, namespace closes and failed connects/sends, shared by the benchmark's members. */
        final AtomicLong errors;
        /** Counts connections lost while not closing, shared by the benchmark's members. */
        final AtomicLong reconnects;
        /** The replica; guarded by {@code this}. */
        private final TextDocument doc;
        /**
         * When each Update not yet acknowledged was sent (System.nanoTime), oldest first: the relay acks in order.
         * Guarded by {@code this}.
         */
        private final LongQueue sentAt = new LongQueue();
        /** Updates sent and not yet acknowledged (one Ack or Error per Update). */
        private final AtomicLong unacked = new AtomicLong();
        /** Completed by the first SyncReply. */
        private final java.util.concurrent.CompletableFuture<Void> firstSync = new java.util.concurrent.CompletableFuture<>();
        /** Set by {@link #close}: a connection that ends after it is not a loss. */
        volatile boolean closing;

        WireMember(RoomCredentials room, long agent, String docName,
                   java.util.function.Consumer<List<TextChange>> onRemote, AtomicLong errors, AtomicLong reconnects) {
            this.docName = docName;
            this.room = room;
            this.agent = agent;
            this.onRemote = onRemote;
            this.errors = errors;
            this.reconnects = reconnects;
            this.doc = new TextDocument(agent);
        }

        /** Sends one text frame. */
        abstract void sendRaw(String frame);

        /** Sends {@code m} as the event frame {@code 42["weft","<base64>"]}. */
        void send(Message m) {
            sendRaw(EVENT_OPEN + MessageCodec.encodeBase64(m) + EVENT_CLOSE);
        }

        /** One whole Engine.IO / Socket.IO text frame received. */
        void onFrame(String frame) {
            if (frame.startsWith("42")) { // event: 42["weft","<base64>"]
                onMessage(FrameListener.decodeEvent(frame));
            } else {
                onControl(frame);
            }
        }

        /** A received frame that is not an event: Engine.IO open and ping, Socket.IO namespace packets. */
        void onControl(String frame) {
            if (frame.equals("2")) { // Engine.IO ping
                sendRaw("3");
            } else if (frame.startsWith("0")) { // Engine.IO open: connect to the default namespace
                sendRaw("40");
            } else if (frame.startsWith("40")) { // namespace connected
                send(new Message.Hello(MessageCodec.PROTOCOL_VERSION, room.room(), room.secret(), agent,
                        "load-" + agent, "#888888"));
            } else if (frame.startsWith("41") || frame.startsWith("44")) {
                errors.incrementAndGet();
                System.err.println("load: relay closed the namespace: " + frame);
            }
        }

        /** One message of event {@code "weft"} received. */
        void onMessage(Message m) {
            if (m instanceof Message.Welcome) {
                VersionVector v;
                synchronized (this) {
                    v = doc.version();
                }
                send(new Message.SyncRequest(docName, v));
            } else if (m instanceof Message.SyncReply r) {
                synchronized (this) {
                    doc.applyUpdate(r.update());
                }
                firstSync.complete(null);
            } else if (m instanceof Message.Update u) {
                List<TextChange> changes;
                synchronized (this) {
                    changes = doc.applyUpdate(u.update());
                }
                onRemote.accept(changes);
            } else if (m instanceof Message.Ack) {
                unacked.decrementAndGet();
                long t;
                synchronized (this) {
                    t = sentAt.poll();
                }
                if (t != LongQueue.EMPTY && measuringAcks) {
                    LOAD_ACKS.add(System.nanoTime() - t);
                }
            } else if (m instanceof Message.Error e) {
                errors.incrementAndGet();
                System.err.println("load: relay error " + e.code() + ": " + e.message());
                if (!e.doc().isEmpty()) {
                    unacked.decrementAndGet(); // an Update answered by an Error gets no Ack
                    synchronized (this) {
                        sentAt.poll();
                    }
                }
            }
        }

        /** The connection ended ({@code error} null) or failed: one loss unless this member is closing. */
        void lost(Throwable error) {
            if (closing) {
                return;
            }
            reconnects.incrementAndGet();
            if (error != null) {
                System.err.println("load: connection error: " + error);
                if (FIRST_ERROR_TRACE.compareAndSet(false, true)) {
                    error.printStackTrace();
                }
            }
        }

        @Override
        public boolean synced() {
            return firstSync.isDone();
        }

        @Override
        public void edit(java.util.function.Function<TextDocument, dev.weft.crdt.model.LocalEdit> edit) {
            byte[] update;
            synchronized (this) {
                update = edit.apply(doc).update();
                sentAt.add(System.nanoTime());
            }
            unacked.incrementAndGet();
            send(new Message.Update(docName, update));
        }

        @Override
        public synchronized String text() {
            return doc.getText();
        }

        @Override
        public long awaitAcked(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (unacked.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return unacked.get();
        }
    }

    /**
     * A lean member over the JDK's {@code java.net.http.WebSocket} ({@code --client lean}): {@link WireMember}'s
     * protocol, frames sent one at a time (the next when the previous send completed). The JDK client runs its
     * callbacks on the shared {@link #leanHttpClient}'s two threads and its own selector thread, so 200 members in
     * one JVM cost the generator far less CPU than the production client's per-connection event threads.
     */
    static final class LeanMember extends WireMember {
        /** Receives this member's frames and the end of its connection. */
        private final Listener listener = new Listener();
        /** Frames waiting for the previous send to complete; guarded by {@code this}. */
        private final java.util.ArrayDeque<String> outbox = new java.util.ArrayDeque<>();
        /** True while a sendText is outstanding; guarded by {@code this}. */
        private boolean sending;

        LeanMember(java.net.http.HttpClient http, URI relay, RoomCredentials room, long agent, String docName,
                   java.util.function.Consumer<List<TextChange>> onRemote, AtomicLong errors, AtomicLong reconnects) {
            super(room, agent, docName, onRemote, errors, reconnects);
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(socketIoUri(relay), listener)
                    .whenComplete((socket, failure) -> {
                        if (failure != null) {
                            errors.incrementAndGet();
                            System.err.println("load: connect failed: " + failure);
                        }
                    });
        }

        /** Hands whole frames and the end of the connection to the member. */
        private final class Listener extends FrameListener {
            @Override
            void onFrame(String frame) {
                LeanMember.this.onFrame(frame);
            }

            @Override
            void onEnd(Throwable error) {
                lost(error);
            }
        }

        @Override
        void sendRaw(String frame) {
            synchronized (this) {
                if (sending) {
                    outbox.add(frame);
                    return;
                }
                sending = true;
            }
            transmit(frame);
        }

        private void transmit(String frame) {
            listener.ws.sendText(frame, true).whenComplete((ok, failure) -> {
                if (failure != null && !closing) {
                    errors.incrementAndGet();
                }
                String next;
                synchronized (this) {
                    next = outbox.poll();
                    if (next == null) {
                        sending = false;
                        return;
                    }
                }
                transmit(next);
            });
        }

        @Override
        public void close() {
            closing = true;
            if (listener.ws != null) {
                listener.ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }

    /**
     * The Netty side of the {@code --client netty} members: one event loop group for all of them ({@code
     * --gen-threads} threads; epoll when Netty's native transport loads, else NIO), on which every member's
     * connection, replica and typist run, and the bootstrap their connections are made from (TCP_NODELAY).
     */
    static final class NettyMembers implements AutoCloseable {
        /** The event loops of every member. */
        final io.netty.channel.EventLoopGroup group;
        /** Template of every member's connection: the group, its socket channel class, TCP_NODELAY. */
        final io.netty.bootstrap.Bootstrap bootstrap;
        /** {@code "epoll"} or {@code "nio"}, for the report. */
        final String transport;

        NettyMembers(int threads) {
            // As the relay since ee1d727: no stack traces recorded for a sample of buffers (Netty's default level).
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
            boolean epoll = io.netty.channel.epoll.Epoll.isAvailable();
            transport = epoll ? "epoll" : "nio";
            group = new io.netty.channel.MultiThreadIoEventLoopGroup(threads, epoll
                    ? io.netty.channel.epoll.EpollIoHandler.newFactory()
                    : io.netty.channel.nio.NioIoHandler.newFactory());
            bootstrap = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(epoll ? io.netty.channel.epoll.EpollSocketChannel.class
                            : io.netty.channel.socket.nio.NioSocketChannel.class)
                    .option(io.netty.channel.ChannelOption.TCP_NODELAY, true)
                    .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000);
        }

        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * A lean member over Netty's WebSocket client ({@code --client netty}): {@link WireMember}'s protocol on one
     * channel of {@link NettyMembers}' group. Everything of a member runs on its channel's event loop: frames
     * received, the replica, and its typist ({@link #typingExecutor}), so typing and sending take no hand-off
     * between threads. Event frames are decoded from and encoded into Netty's buffers through a per-member
     * scratch array (no frame String). A failed write closes the connection (counted as a loss, not an error).
     */
    static final class NettyMember extends WireMember {
        /** The bytes of an event frame before the base64 message. */
        private static final byte[] EVENT_PREFIX = EVENT_OPEN.getBytes(StandardCharsets.US_ASCII);
        /** The bytes of an event frame after the base64 message. */
        private static final byte[] EVENT_SUFFIX = EVENT_CLOSE.getBytes(StandardCharsets.US_ASCII);
        /**
         * The connection (connecting, then open, then closed). Set on the event loop by the channel's initializer,
         * before any frame can arrive there, and again by the constructor after connect() returned: the loop can
         * receive the Engine.IO open frame and answer it before the constructor's own assignment (seen at 600
         * members: a NullPointerException in sendRaw and a member that never synced).
         */
        private volatile io.netty.channel.Channel channel;
        /** Base64 text of the frame being decoded or encoded; only touched on the channel's event loop. */
        private byte[] scratch = new byte[256];

        NettyMember(NettyMembers netty, URI relay, RoomCredentials room, long agent, String docName,
                    java.util.function.Consumer<List<TextChange>> onRemote, AtomicLong errors, AtomicLong reconnects) {
            super(room, agent, docName, onRemote, errors, reconnects);
            URI ws = socketIoUri(relay);
            int maxFrame = MessageCodec.Limits.DEFAULT.maxMessageBytes();
            var handshaker = io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory.newHandshaker(ws,
                    io.netty.handler.codec.http.websocketx.WebSocketVersion.V13, null, false,
                    io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE, maxFrame);
            io.netty.channel.ChannelFuture connect = netty.bootstrap.clone().handler(
                    new io.netty.channel.ChannelInitializer<io.netty.channel.Channel>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel ch) {
                            channel = ch;
                            ch.pipeline().addLast(new io.netty.handler.codec.http.HttpClientCodec(),
                                    new io.netty.handler.codec.http.HttpObjectAggregator(1 << 16),
                                    new io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler(
                                            handshaker, true, true, 20_000),
                                    new io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator(maxFrame),
                                    new Handler());
                        }
                    }).connect(ws.getHost(), ws.getPort());
            channel = connect.channel();
            connect.addListener(done -> {
                if (!done.isSuccess()) {
                    errors.incrementAndGet();
                    System.err.println("load: connect failed: " + done.cause());
                }
            });
        }

        /** Receives the channel's text frames (handshake, pings and close frames are the protocol handler's). */
        private final class Handler extends io.netty.channel.SimpleChannelInboundHandler<TextWebSocketFrame> {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
                ByteBuf text = frame.content();
                int at = text.readerIndex();
                if (text.readableBytes() > 2 && text.getByte(at) == '4' && text.getByte(at + 1) == '2') {
                    onMessage(decodeEvent(text));
                } else {
                    onControl(text.toString(StandardCharsets.US_ASCII));
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                lost(null);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                if (!closing) {
                    System.err.println("load: connection error: " + cause);
                    if (FIRST_ERROR_TRACE.compareAndSet(false, true)) {
                        cause.printStackTrace();
                    }
                }
                ctx.close(); // counted once, by channelInactive
            }
        }

        /** The message of the event frame {@code 42["weft","<base64>"]} in {@code frame}. */
        private Message decodeEvent(ByteBuf frame) {
            int end = frame.writerIndex() - 2; // before "]
            int from = -1;
            for (int i = frame.readerIndex(); i + 2 < end; i++) {
                if (frame.getByte(i) == '"' && frame.getByte(i + 1) == ',' && frame.getByte(i + 2) == '"') {
                    from = i + 3;
                    break;
                }
            }
            if (from < 0) {
                throw new IllegalArgumentException("not a weft event: "
                        + frame.toString(StandardCharsets.US_ASCII));
            }
            int length = end - from;
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, 2 * scratch.length)];
            }
            frame.getBytes(from, scratch, 0, length);
            java.nio.ByteBuffer bytes = java.util.Base64.getDecoder()
                    .decode(java.nio.ByteBuffer.wrap(scratch, 0, length));
            byte[] message = bytes.array().length == bytes.remaining() ? bytes.array()
                    : Arrays.copyOf(bytes.array(), bytes.remaining());
            return MessageCodec.decode(message, MessageCodec.Limits.DEFAULT);
        }

        /** Called on the event loop only (see {@link #edit}): encodes straight into the frame's buffer. */
        @Override
        void send(Message m) {
            byte[] message = MessageCodec.encode(m);
            int length = 4 * ((message.length + 2) / 3);
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, 2 * scratch.length)];
            }
            java.util.Base64.getEncoder().encode(message, scratch);
            ByteBuf text = channel.alloc().buffer(EVENT_PREFIX.length + length + EVENT_SUFFIX.length);
            text.writeBytes(EVENT_PREFIX).writeBytes(scratch, 0, length).writeBytes(EVENT_SUFFIX);
            channel.writeAndFlush(new TextWebSocketFrame(text),
                    channel.voidPromise());
        }

        @Override
        void sendRaw(String frame) {
            channel.writeAndFlush(new TextWebSocketFrame(frame),
                    channel.voidPromise());
        }

        /** Edits on the channel's event loop: directly when called there (the typists), else handed to it. */
        @Override
        public void edit(java.util.function.Function<TextDocument, dev.weft.crdt.model.LocalEdit> edit) {
            if (channel.eventLoop().inEventLoop()) {
                super.edit(edit);
            } else {
                channel.eventLoop().execute(() -> super.edit(edit));
            }
        }

        /** The channel's own event loop: the typist runs where the replica and the connection do. */
        @Override
        public ScheduledExecutorService typingExecutor(ScheduledExecutorService shared) {
            return channel.eventLoop();
        }

        @Override
        public void close() {
            closing = true;
            channel.writeAndFlush(new io.netty.handler.codec.http.websocketx.CloseWebSocketFrame(
                    io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.NORMAL_CLOSURE, "done"))
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        }
    }

    /** (sent, received) pairs of System.nanoTime() values. */
    /**
     * When each member typed each of its measured tokens, and the latency of every delivery of one. A token is
     * {@code "<member>.<k>;"}: member index and that member's tick count, both decimal. Both {@code load} and
     * {@code cluster} time deliveries with it.
     *
     * <p>The send times live in one {@code AtomicLongArray} per member, sized once for every tick a typist can make,
     * so recording a send allocates nothing and nothing per token stays alive for the generator's GC to copy (until
     * 2026-12-07 {@code load} kept a map from token string to send time, and {@code cluster} did until 2026-12-08).
     * A send time of 0 means "not measured" (the warm-up's tokens, or a tick beyond the arrays).
     */
    static final class SendClock {
        /** {@code sentAt[member].get(k)}: {@code System.nanoTime()} when member typed token k; 0 if not measured. */
        private final java.util.concurrent.atomic.AtomicLongArray[] sentAt;
        /** Length of every member's array: the ticks a typist can make in the run, with a margin. */
        private final int ticks;

        SendClock(int members, int ticks) {
            this.ticks = ticks;
            this.sentAt = new java.util.concurrent.atomic.AtomicLongArray[members];
            for (int i = 0; i < members; i++) {
                sentAt[i] = new java.util.concurrent.atomic.AtomicLongArray(ticks);
            }
        }

        /**
         * Ticks to allow for a typist at {@code rate} per second typing for {@code seconds}: a fixed-rate task never
         * runs more often than its period on average, plus 64 for catching up after a stall.
         */
        static int ticksFor(double seconds, double rate) {
            return (int) Math.ceil(seconds * rate) + 64;
        }

        /** Records that {@code member} sent token {@code k} at {@code nanos}; a tick beyond the arrays is not kept. */
        void sent(int member, int k, long nanos) {
            if (k < ticks) {
                sentAt[member].set(k, nanos);
            }
        }

        /**
         * The remote-change listener of every member: for each whole token in each inserted text whose send was
         * recorded, adds now − sent to {@code latency} and, if {@code trace} is not null, the pair to it. Parses the
         * tokens' two numbers in place (no split, no boxing).
         */
        java.util.function.Consumer<List<TextChange>> receiver(Samples latency, TimedSamples trace) {
            return changes -> {
                long now = System.nanoTime();
                for (TextChange ch : changes) {
                    String s = ch.insertText();
                    int member = 0;
                    int k = 0;
                    boolean inTick = false;
                    for (int i = 0; i < s.length(); i++) {
                        char c = s.charAt(i);
                        if (c == ';') {
                            long t = member < sentAt.length && k < ticks ? sentAt[member].get(k) : 0;
                            if (t != 0) {
                                latency.add(now - t);
                                if (trace != null) {
                                    trace.add(t, now);
                                }
                            }
                            member = 0;
                            k = 0;
                            inTick = false;
                        } else if (c == '.') {
                            inTick = true;
                        } else if (inTick) {
                            k = k * 10 + (c - '0');
                        } else {
                            member = member * 10 + (c - '0');
                        }
                    }
                }
            };
        }
    }

    static final class TimedSamples {
        private long[] values;
        private int size;

        /** Room for {@code pairs} (sent, received) pairs before the array grows. */
        TimedSamples(int pairs) {
            values = new long[Math.max(2, 2 * pairs)];
        }

        synchronized void add(long sent, long received) {
            if (size + 2 > values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = sent;
            values[size++] = received;
        }

        /** Writes the pairs sent at or after {@code from}, one per line. */
        synchronized void write(Path file, long from) throws IOException {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < size; i += 2) {
                if (values[i] >= from) {
                    b.append(values[i]).append(' ').append(values[i + 1]).append('\n');
                }
            }
            Files.writeString(file, b);
        }
    }

    static final class Samples {
        private long[] values;
        private int size;

        Samples() {
            this(1024);
        }

        /** Room for {@code capacity} samples before the array grows. */
        Samples(int capacity) {
            values = new long[Math.max(1, capacity)];
        }

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

    /** Observations of histogram {@code metric} so far (its +Inf bucket); 0 if it cannot be read. */
    /** The value of one unlabelled line of a /metrics page, or 0 if absent. */
    static double scalar(String page, String name) {
        for (String line : page.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    /** HTTP client of every /metrics scrape: one for the run, so a scrape does not start a client and its threads. */
    static final HttpClient METRICS_HTTP = HttpClient.newHttpClient();

    /** The relay's /metrics page (Prometheus text). */
    static String metricsPage(URI relay) throws Exception {
        return METRICS_HTTP.send(HttpRequest.newBuilder(relay.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The cumulative buckets {upper bound s, count} of one histogram on the relay's /metrics page. */
    static double[][] scrapeHistogram(URI relay, String metric) throws Exception {
        return histogram(metricsPage(relay), metric);
    }

    /** The cumulative buckets {upper bound s, count} of one histogram on a /metrics page; empty if absent. */
    static double[][] histogram(String page, String metric) {
        List<double[]> buckets = new ArrayList<>();
        for (String line : page.split("\n")) {
            if (line.startsWith(metric + "_bucket{le=\"")) {
                String le = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
                double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                buckets.add(new double[] {bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))});
            }
        }
        return buckets.toArray(new double[0][]);
    }

    /**
     * Upper bounds (ms) of the buckets holding the p50/p99/p99.9 of the observations between two scrapes of a relay
     * histogram: the relay's own share of the latency, independent of the load generator's scheduling.
     */
    static Map<String, Object> histogramSummary(double[][] before, double[][] after, String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (after.length == 0) {
            return m;
        }
        double[] counts = new double[after.length];
        for (int i = 0; i < after.length; i++) {
            counts[i] = after[i][1] - (before.length == after.length ? before[i][1] : 0);
        }
        double total = counts[counts.length - 1];
        m.put(prefix + "_count", total);
        String[] names = {"p50", "p99", "p999"};
        double[] qs = {0.50, 0.99, 0.999};
        for (int q = 0; q < qs.length; q++) {
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] >= qs[q] * total) {
                    m.put(prefix + "_" + names[q] + "_le", after[i][0] * 1000);
                    break;
                }
            }
        }
        return m;
    }

    /** Voluntary plus involuntary context switches of a process's threads alive now; 0 if unreadable. */
    static long contextSwitches(long pid) {
        long c = 0;
        if (pid <= 0) {
            return c;
        }
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            c += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException threadEnded) {
                    // the thread exited between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return c;
    }

    /** One thread's name ({@code /proc/PID/task/TID/comm}, at most 15 characters) and utime + stime in ticks. */
    record ThreadTicks(String name, long ticks) {
    }

    /** Every live thread of a process by thread id; empty if unreadable. */
    static Map<Long, ThreadTicks> threadTicks(long pid) {
        Map<Long, ThreadTicks> m = new HashMap<>();
        if (pid <= 0) {
            return m;
        }
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    String name = Files.readString(t.resolve("comm")).strip();
                    m.put(Long.parseLong(t.getFileName().toString()),
                            new ThreadTicks(name, Long.parseLong(f[11]) + Long.parseLong(f[12])));
                } catch (IOException threadEnded) {
                    // the thread exited between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return m;
        }
        return m;
    }

    /** The group a relay thread belongs to, by its (truncated) name. */
    static String threadGroup(String name) {
        if (name.contains("EventLoop")) {
            return "event_loops";
        } else if (name.startsWith("weft-store-writ")) {
            return "store_writer";
        } else if (name.startsWith("weft-room")) {
            return "room_pool";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "gc";
        } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "jit";
        }
        return "other";
    }

    /**
     * Ticks spent between two {@link #threadTicks} readings, summed by {@link #threadGroup}: a thread absent from
     * the first reading counts from 0; threads that ended before the second are missed.
     */
    static Map<String, Long> cpuByThreadGroup(Map<Long, ThreadTicks> before, Map<Long, ThreadTicks> after) {
        Map<String, Long> groups = new java.util.TreeMap<>();
        for (String g : List.of("event_loops", "store_writer", "room_pool", "gc", "jit", "other")) {
            groups.put(g, 0L);
        }
        after.forEach((tid, t) -> {
            ThreadTicks b = before.get(tid);
            long spent = t.ticks() - (b != null && b.name().equals(t.name()) ? b.ticks() : 0);
            groups.merge(threadGroup(t.name()), spent, Long::sum);
        });
        return groups;
    }

    /** stime of a process (CPU time in the kernel on its behalf), in clock ticks (1/100 s on Linux). */
    static long systemTicks(long pid) {
        long[] t = userAndSystemTicks(pid);
        return t[1];
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) {
        long[] t = userAndSystemTicks(pid);
        return t[0] + t[1];
    }

    /** {utime, stime} of a process from {@code /proc/PID/stat}, in clock ticks; zeros when it cannot be read. */
    private static long[] userAndSystemTicks(long pid) {
        if (pid <= 0) {
            return new long[2];
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException e) {
            return new long[2];
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

    /**
     * Used Java heap of the relay (KB) from its {@code weft_jvm_heap_used_bytes} gauge, or -1 (a relay from before
     * 2026-12-08 lacks it). Until then this ran {@code jcmd PID GC.heap_info} every 5 s of the measured window: a JVM
     * started on the generator's core, which stalled the generator for up to a few hundred ms each time (fan-out
     * samples of 100–230 ms every ~5 s at 1,000 clients), and an attach and safepoint in the relay.
     */
    static long heapUsedKb(URI relay) {
        try {
            String page = metricsPage(relay);
            return page.contains("\nweft_jvm_heap_used_bytes ")
                    ? (long) (scalar(page, "weft_jvm_heap_used_bytes") / 1024) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- cluster: members over several nodes, a kill

    static Map<String, Object> cluster(List<URI> relays, long[] pids, int clientsN, int roomsN, double rate,
                                       double seconds, double afterKill, boolean kill, String label) throws Exception {
        int nodes = relays.size();
        List<RoomCredentials> rooms = new ArrayList<>();
        for (int i = 0; i < roomsN; i++) {
            rooms.add(new RoomApi(relays.get(i % nodes)).createRoom());
        }
        // Typing runs for the warm-up (at most 5 s), the measured window and, with --kill, the time after the kill.
        SendClock clock = new SendClock(clientsN, SendClock.ticksFor(5 + seconds + (kill ? afterKill : 0), rate));
        Samples latency = new Samples();
        AtomicLong errors = new AtomicLong();
        AtomicLong losses = new AtomicLong();
        java.util.function.Consumer<List<TextChange>> onRemote = clock.receiver(latency, null);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .executor(Executors.newFixedThreadPool(4)).build();
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
        List<FailoverMember> members = new ArrayList<>();
        for (int i = 0; i < clientsN; i++) {
            // Member k of a room is on node k mod nodes: every room's fan-out crosses nodes.
            int node = (i / roomsN) % nodes;
            members.add(new FailoverMember(http, timer, relays, node, rooms.get(i % roomsN), 10_000 + i, "load.txt",
                    onRemote, errors, losses));
        }
        long setup0 = System.nanoTime();
        while (true) {
            long synced = members.stream().filter(FailoverMember::synced).count();
            if (synced == members.size()) {
                break;
            }
            if (System.nanoTime() - setup0 > 300e9) {
                throw new IllegalStateException("only " + synced + "/" + members.size() + " members synced in 300 s");
            }
            System.err.printf("%s: %d/%d members synced after %.0f s%n", label, synced, members.size(),
                    (System.nanoTime() - setup0) / 1e9);
            Thread.sleep(5000);
        }
        double setupSeconds = (System.nanoTime() - setup0) / 1e9;
        losses.set(0);
        long[] cpu0 = Arrays.stream(pids).map(RelayBench::cpuTicks).toArray();
        long wall0 = System.nanoTime();
        long warmupNanos = (long) (Math.min(5, seconds / 4) * 1e9);
        long measureFrom = wall0 + warmupNanos;
        long measureEnd = measureFrom + (long) (seconds * 1e9);
        long typingEnd = measureEnd + (kill ? (long) (afterKill * 1e9) : 0);
        long periodNanos = (long) (1e9 / rate);
        AtomicLong typed = new AtomicLong();
        ScheduledExecutorService typists = Executors.newScheduledThreadPool(4);
        for (int i = 0; i < clientsN; i++) {
            FailoverMember m = members.get(i);
            int me = i;
            AtomicLong seq = new AtomicLong();
            typists.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now > typingEnd) {
                    return;
                }
                int k = (int) seq.getAndIncrement();
                String token = me + "." + k;
                boolean measured = now > measureFrom && now < measureEnd;
                m.appendToken(token, () -> {
                    if (measured) {
                        clock.sent(me, k, System.nanoTime());
                    }
                    typed.incrementAndGet();
                });
            }, (long) (periodNanos * (i / (double) clientsN)), periodNanos, TimeUnit.NANOSECONDS);
        }
        sleepUntil(measureEnd);
        long[] cpu1 = Arrays.stream(pids).map(RelayBench::cpuTicks).toArray();
        double wall = (System.nanoTime() - wall0) / 1e9;
        double load1 = loadAverage();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("benchmark", label);
        r.put("nodes", nodes);
        r.put("clients", clientsN);
        r.put("rooms", roomsN);
        r.put("rate_per_client_per_s", rate);
        r.put("seconds", seconds);
        r.put("setup_seconds_all_synced", setupSeconds);
        r.put("deliveries", latency.size());
        r.putAll(latency.summary("fanout_ms"));
        for (int n = 0; n < nodes; n++) {
            r.put("node" + (n + 1) + "_cpu_percent_avg", 100.0 * (cpu1[n] - cpu0[n]) / 100.0 / wall);
        }
        r.put("load_average_1min_at_end_of_window", load1);
        r.put("connection_losses_in_window", losses.get());
        long killAt = 0;
        int victim = nodes > 1 ? 1 : 0;
        if (kill) {
            killAt = System.nanoTime();
            ProcessHandle.of(pids[victim]).ifPresent(ProcessHandle::destroyForcibly); // SIGKILL
            sleepUntil(typingEnd);
        }
        typists.shutdown();
        typists.awaitTermination(10, TimeUnit.SECONDS);
        long unacked = 0;
        for (FailoverMember m : members) {
            unacked += m.awaitAcked(Duration.ofSeconds(30));
        }
        r.put("errors", errors.get());
        r.put("unacked_at_end", unacked);
        r.put("keystrokes", typed.get());
        if (kill) {
            Samples resync = new Samples();
            Samples resyncFromLoss = new Samples();
            int moved = 0;
            int notResynced = 0;
            for (FailoverMember m : members) {
                if (m.lostAt > 0) {
                    moved++;
                    if (m.resyncedAt > 0) {
                        resync.add(m.resyncedAt - killAt);
                        resyncFromLoss.add(m.resyncedAt - m.lostAt);
                    } else {
                        notResynced++;
                    }
                }
            }
            r.put("killed_node", victim + 1);
            r.put("members_failed_over", moved);
            r.put("members_not_resynced", notResynced);
            r.putAll(resync.summary("kill_to_resynced_ms"));
            r.putAll(resyncFromLoss.summary("loss_to_resynced_ms"));
        }
        // Every token whose edit an Ack covered must be in the room's text, read fresh from a surviving node.
        URI reader = relays.get(kill && nodes > 1 ? (victim + 1) % nodes : 0);
        long ackedTokens = 0;
        long lost = 0;
        Map<String, java.util.Set<String>> texts = new HashMap<>();
        for (RoomCredentials room : rooms) {
            FailoverMember fresh = new FailoverMember(http, timer, List.of(reader), 0, room, 1, "load.txt",
                    c -> { }, errors, new AtomicLong());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!fresh.synced() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            texts.put(room.room(), new java.util.HashSet<>(Arrays.asList(fresh.text().split(";"))));
            fresh.close();
        }
        for (int i = 0; i < clientsN; i++) {
            java.util.Set<String> text = texts.get(rooms.get(i % roomsN).room());
            for (String token : members.get(i).ackedTokens()) {
                ackedTokens++;
                if (!text.contains(token)) {
                    lost++;
                }
            }
        }
        r.put("acked_tokens_checked", ackedTokens);
        r.put("acked_tokens_lost", lost);
        members.forEach(FailoverMember::close);
        timer.shutdownNow();
        return r;
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * A lean member (as {@link LeanMember}) that fails over: when its connection is lost it connects to the next
     * relay URL, sends Hello, then SyncRequest with its version, and sends the diff the relay lacks (its unacked
     * edits and those typed while offline). Records when the loss happened and when an Ack covered all its own
     * edits again ("resynced"), and which tokens an Ack ever covered.
     */
    static final class FailoverMember implements LoadMember {
        private final java.net.http.HttpClient http;
        private final ScheduledExecutorService timer;
        private final List<URI> relays;
        private final RoomCredentials room;
        private final long agent;
        private final String docName;
        private final java.util.function.Consumer<List<TextChange>> onRemote;
        private final AtomicLong errors;
        private final AtomicLong losses;
        /** Replica; guarded by {@code this}, as are the fields below up to {@code resyncTarget}. */
        private final TextDocument doc;
        private final java.util.ArrayDeque<String> outbox = new java.util.ArrayDeque<>();
        private boolean sending;
        /** True while the current connection is synced and edits go out as they are made. */
        private boolean live;
        private Conn conn;
        private int nodeIndex;
        private final List<String> tokens = new ArrayList<>();
        private final List<Long> tokenClocks = new ArrayList<>();
        private long ackedClock;
        private long resyncTarget = -1;
        private final AtomicLong unacked = new AtomicLong();
        private final java.util.concurrent.CompletableFuture<Void> firstSync = new java.util.concurrent.CompletableFuture<>();
        volatile long lostAt;
        volatile long resyncedAt;
        private volatile boolean closing;

        FailoverMember(java.net.http.HttpClient http, ScheduledExecutorService timer, List<URI> relays, int node,
                       RoomCredentials room, long agent, String docName,
                       java.util.function.Consumer<List<TextChange>> onRemote, AtomicLong errors, AtomicLong losses) {
            this.http = http;
            this.timer = timer;
            this.relays = relays;
            this.nodeIndex = node;
            this.room = room;
            this.agent = agent;
            this.docName = docName;
            this.onRemote = onRemote;
            this.errors = errors;
            this.losses = losses;
            this.doc = new TextDocument(agent);
            connect();
        }

        private synchronized void connect() {
            if (closing) {
                return;
            }
            Conn c = new Conn();
            conn = c;
            http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                    .buildAsync(socketIoUri(relays.get(nodeIndex)), c)
                    .whenComplete((socket, failure) -> {
                        if (failure != null) {
                            lost(c);
                        }
                    });
        }

        /** The connection {@code c} is gone: fail over to the next URL (once per connection). */
        private void lost(Conn c) {
            synchronized (this) {
                if (c != conn || closing) {
                    return;
                }
                conn = null;
                live = false;
                outbox.clear();
                sending = false;
                if (lostAt == 0 && firstSync.isDone()) {
                    lostAt = System.nanoTime();
                }
                nodeIndex = (nodeIndex + 1) % relays.size();
            }
            losses.incrementAndGet();
            timer.schedule(this::connect, 100, TimeUnit.MILLISECONDS);
        }

        final class Conn extends FrameListener {
            @Override
            void onFrame(String frame) {
                FailoverMember.this.onFrame(this, frame);
            }

            @Override
            void onEnd(Throwable error) {
                lost(this);
            }
        }

        private void onFrame(Conn c, String frame) {
            if (frame.startsWith("42")) {
                onMessage(c, FrameListener.decodeEvent(frame));
            } else if (frame.equals("2")) {
                sendRaw(c, "3", true);
            } else if (frame.startsWith("0")) {
                sendRaw(c, "40", true);
            } else if (frame.startsWith("40")) {
                send(c, new Message.Hello(MessageCodec.PROTOCOL_VERSION, room.room(), room.secret(), agent,
                        "load-" + agent, "#888888"), true);
            } else if (frame.startsWith("41") || frame.startsWith("44")) {
                errors.incrementAndGet();
                System.err.println("cluster: relay closed the namespace: " + frame);
            }
        }

        private void onMessage(Conn c, Message m) {
            if (m instanceof Message.Welcome) {
                VersionVector v;
                synchronized (this) {
                    v = doc.version();
                }
                send(c, new Message.SyncRequest(docName, v), true);
            } else if (m instanceof Message.SyncReply r) {
                synchronized (this) {
                    if (c != conn) {
                        return;
                    }
                    doc.applyUpdate(r.update());
                    live = true;
                    if (!firstSync.isDone()) {
                        firstSync.complete(null);
                        return;
                    }
                    // A resync: send what this node lacks (unacked edits and those typed while offline).
                    long own = doc.version().get(agent);
                    resyncTarget = own;
                    if (!r.serverVersion().covers(doc.version())) {
                        unacked.set(1);
                        send(c, new Message.Update(docName, doc.encodeDiff(r.serverVersion())), true);
                    } else {
                        unacked.set(0);
                        markAcked(r.serverVersion().get(agent));
                    }
                }
            } else if (m instanceof Message.Update u) {
                List<TextChange> changes;
                synchronized (this) {
                    changes = doc.applyUpdate(u.update());
                }
                onRemote.accept(changes);
            } else if (m instanceof Message.Ack a) {
                synchronized (this) {
                    markAcked(a.durableVersion().get(agent));
                }
                unacked.decrementAndGet();
            } else if (m instanceof Message.Error e) {
                errors.incrementAndGet();
                System.err.println("cluster: relay error " + e.code() + ": " + e.message());
                if (!e.doc().isEmpty()) {
                    unacked.decrementAndGet();
                }
            }
        }

        /** Guarded by {@code this}. */
        private void markAcked(long clock) {
            ackedClock = Math.max(ackedClock, clock);
            if (resyncTarget >= 0 && ackedClock >= resyncTarget && resyncedAt == 0) {
                resyncedAt = System.nanoTime();
            }
        }

        @Override
        public boolean synced() {
            return firstSync.isDone();
        }

        @Override
        public void appendToken(String token, Runnable beforeEdit) {
            synchronized (this) {
                beforeEdit.run();
                byte[] update = doc.insert(doc.length(), token + ";").update();
                tokens.add(token);
                tokenClocks.add(doc.version().get(agent));
                if (live) {
                    unacked.incrementAndGet();
                    send(conn, new Message.Update(docName, update), false);
                }
            }
        }

        @Override
        public void edit(java.util.function.Function<TextDocument, dev.weft.crdt.model.LocalEdit> edit) {
            throw new UnsupportedOperationException("cluster members only append tokens");
        }

        /** The tokens an Ack covered. */
        synchronized List<String> ackedTokens() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                if (tokenClocks.get(i) <= ackedClock) {
                    out.add(tokens.get(i));
                }
            }
            return out;
        }

        @Override
        public synchronized String text() {
            return doc.getText();
        }

        private void send(Conn c, Message m, boolean control) {
            sendRaw(c, WireMember.EVENT_OPEN + MessageCodec.encodeBase64(m) + WireMember.EVENT_CLOSE, control);
        }

        private void sendRaw(Conn c, String frame, boolean control) {
            synchronized (this) {
                if (c == null || c != conn) {
                    return;
                }
                if (sending) {
                    outbox.add(frame);
                    return;
                }
                sending = true;
            }
            transmit(c, frame);
        }

        private void transmit(Conn c, String frame) {
            java.net.http.WebSocket ws = c.ws;
            if (ws == null) {
                synchronized (this) {
                    sending = false;
                }
                return;
            }
            ws.sendText(frame, true).whenComplete((ok, failure) -> {
                if (failure != null) {
                    lost(c);
                    return;
                }
                String next;
                synchronized (this) {
                    if (c != conn) {
                        return;
                    }
                    next = outbox.poll();
                    if (next == null) {
                        sending = false;
                        return;
                    }
                }
                transmit(c, next);
            });
        }

        @Override
        public long awaitAcked(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (this) {
                    if (live && ackedClock >= doc.version().get(agent)) {
                        return 0;
                    }
                }
                Thread.sleep(10);
            }
            synchronized (this) {
                return tokens.size() - ackedTokens().size();
            }
        }

        @Override
        public void close() {
            Conn c;
            synchronized (this) {
                closing = true;
                c = conn;
            }
            if (c != null && c.ws != null) {
                c.ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done");
            }
        }
    }
}

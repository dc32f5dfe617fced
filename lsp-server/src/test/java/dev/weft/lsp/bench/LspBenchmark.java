package dev.weft.lsp.bench;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Language-server benchmarks (not tests; nothing asserts a time). Run:
 * <pre>
 * mvn -o -q -pl lsp-server package -DskipTests    # the server jar under test
 * mvn -o -q -pl lsp-server test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.weft.lsp.bench.LspBenchmark [-Dexec.args="keystrokes=500"]
 * </pre>
 * (needs {@code relay-server/target/weft-relay.jar} and {@code lsp-server/target/weft-server.jar}). Measures:
 * <ol>
 * <li>server start ({@code java -jar weft-server.jar}) to the {@code initialize} response;</li>
 * <li>keystroke-to-remote-buffer latency between two LSP clients (each with its own server process, LSP over stdio)
 * through a real relay process on loopback: from the {@code didChange} in editor A to the text being in editor B's
 * buffer (B applied the server's {@code workspace/applyEdit});</li>
 * <li>opening and sharing a 1 MB file (open + {@code weft.share} until it returns, i.e. the relay has the
 * document), and joining the room holding it (until the joiner's buffer is complete and bound).</li>
 * </ol>
 */
public final class LspBenchmark {
    public static void main(String[] args) throws Exception {
        int keystrokes = 500;
        for (String a : args) {
            if (a.startsWith("keystrokes=")) {
                keystrokes = Integer.parseInt(a.substring(11));
            }
        }
        Path tmp = Files.createTempDirectory("weft-lsp-bench");
        useRelayJar();

        System.out.println("== server start to initialize response (5 runs)");
        startup();
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"))) {
            System.out.println("== keystroke to remote buffer through the relay (" + keystrokes + " keystrokes)");
            keystrokeLatency(tmp.resolve("ks"), relay, keystrokes);
            System.out.println("== 1 MB document: open+share, join");
            bigDocument(tmp.resolve("big"), relay);
        }
        System.exit(0);
    }

    /**
     * exec:java runs inside Maven's JVM, whose class path holds no relay: unless {@code -Dweft.relay.jar} says
     * otherwise, {@link RelayProcess} runs the relay's fat jar ({@code relay-server/target/weft-relay.jar}).
     */
    static void useRelayJar() {
        if (System.getProperty("weft.relay.jar") == null) {
            for (Path jar : List.of(Path.of("relay-server", "target", "weft-relay.jar"),
                    Path.of("..", "relay-server", "target", "weft-relay.jar"))) {
                if (Files.isRegularFile(jar)) {
                    System.setProperty("weft.relay.jar", jar.toAbsolutePath().normalize().toString());
                    return;
                }
            }
        }
    }

    static void startup() throws Exception {
        Path jar = serverJar();
        String java = ProcessHandle.current().info().command().orElse("java");
        long[] ms = new long[5];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(java, "-jar", jar.toString(), "--stdio")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            OutputStream out = p.getOutputStream();
            String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"processId\":null,"
                    + "\"rootUri\":null,\"capabilities\":{}}}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            out.write(("Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b);
            out.flush();
            InputStream in = p.getInputStream();
            readMessage(in);
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            p.destroyForcibly().waitFor();
        }
        Arrays.sort(ms);
        System.out.printf("start→initialize response: median %d ms (min %d, max %d)%n", ms[2], ms[0], ms[4]);
    }

    private static String readMessage(InputStream in) throws Exception {
        StringBuilder header = new StringBuilder();
        while (!header.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IllegalStateException("server closed stdout");
            }
            header.append((char) c);
        }
        int len = Integer.parseInt(header.toString().replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    /** One editor + its own server process (real jar, stdio). */
    static final class Peer implements AutoCloseable {
        final Process process;
        final SimulatedEditor editor;
        final Path workspace;

        Peer(Path root, String name) throws Exception {
            workspace = root.resolve(name);
            Files.createDirectories(workspace);
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "-jar", serverJar().toString(), "--stdio")
                    .redirectError(root.resolve(name + "-server.log").toFile()).start();
            JsonObject opts = new JsonObject();
            opts.addProperty("userName", name);
            opts.addProperty("dataDir", root.resolve(name + "-data").toString());
            editor = new SimulatedEditor(Ordering.VSCODE, null, process, workspace, opts);
        }

        @Override
        public void close() throws Exception {
            editor.close();
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    static Path serverJar() {
        Path jar = Path.of("lsp-server", "target", "weft-server.jar");
        return Files.exists(jar) ? jar : Path.of("target", "weft-server.jar");
    }

    /** A shares {@code text} as {@code name}; B joins and opens it. Returns {uriA, uriB, shareMs, joinMs}. */
    static Object[] shareAndJoin(Peer a, Peer b, String name, String text, String relayUrl) throws Exception {
        Path p = a.workspace.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        String ua = p.toUri().toString();
        long t0 = System.nanoTime();
        a.editor.open(ua, text);
        JsonObject args = new JsonObject();
        args.addProperty("relayUrl", relayUrl);
        Object res = a.editor.command(WeftProtocol.SHARE, args);
        long share = System.nanoTime() - t0;
        String link = new Gson().toJsonTree(res).getAsJsonObject().get("inviteLink").getAsString();
        long t1 = System.nanoTime();
        JsonObject j = new JsonObject();
        j.addProperty("link", link);
        Object jr = b.editor.command(WeftProtocol.JOIN, j);
        String ub = new Gson().toJsonTree(jr).getAsJsonObject().getAsJsonArray("documents").get(0).getAsString();
        String got = Files.readString(Path.of(java.net.URI.create(ub)), StandardCharsets.UTF_8);
        b.editor.open(ub, got);
        long join = System.nanoTime() - t1;
        if (!got.equals(text)) {
            throw new IllegalStateException("joiner's buffer differs from the shared text");
        }
        return new Object[]{ua, ub, share, join};
    }

    static void keystrokeLatency(Path root, RelayProcess relay, int n) throws Exception {
        try (Peer a = new Peer(root, "a"); Peer b = new Peer(root, "b")) {
            Object[] r = shareAndJoin(a, b, "latency.txt", "latency test\n", relay.url());
            String ua = (String) r[0];
            String ub = (String) r[1];
            // The joiner's server binds on didOpen: wait until a first edit round-trips.
            a.editor.edit(ua, 0, 0, "#");
            b.editor.awaitText(ub, t -> t.startsWith("#"), 30_000);
            SplittableRandom rnd = new SplittableRandom(1);
            long[] lat = new long[n];
            int warmup = Math.min(200, n / 2);
            for (int i = -warmup; i < n; i++) {
                int len = a.editor.text(ua).length();
                String ch = Character.toString('a' + rnd.nextInt(26));
                long t0 = System.nanoTime();
                a.editor.edit(ua, len, len, ch);
                b.editor.awaitText(ub, t -> t.length() > len, 10_000);
                long dt = System.nanoTime() - t0;
                if (i >= 0) {
                    lat[i] = dt;
                }
                Thread.sleep(10); // a fast typist: ~100 keystrokes/s, under the relay's rate limit
            }
            Arrays.sort(lat);
            System.out.printf("keystroke→remote buffer: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (n=%d)%n",
                    lat[n / 2] / 1e6, lat[(int) (n * 0.9)] / 1e6, lat[(int) (n * 0.99)] / 1e6, lat[n - 1] / 1e6, n);
        }
    }

    /** Servers idle this long after start before the 1 MB share (0 = measure fully cold: -Didle=0). */
    static final long IDLE_AFTER_START_MS = Long.getLong("idle", 3000);

    static void bigDocument(Path root, RelayProcess relay) throws Exception {
        SplittableRandom rnd = new SplittableRandom(2);
        StringBuilder sb = new StringBuilder(1 << 20);
        String[] words = {"weft", "warp", "loom", "thread", "shuttle", "heddle", "reed", "bobbin"};
        while (sb.length() < (1 << 20)) {
            sb.append(words[rnd.nextInt(words.length)]).append(rnd.nextInt(10) == 0 ? '\n' : ' ');
        }
        sb.setLength(1 << 20);
        String text = sb.toString();
        for (int run = 0; run < 3; run++) {
            try (Peer a = new Peer(root.resolve("run" + run), "a"); Peer b = new Peer(root.resolve("run" + run), "b")) {
                Thread.sleep(IDLE_AFTER_START_MS); // an editor that has been open a moment (server warm-up done)
                Object[] r = shareAndJoin(a, b, "big.txt", text, relay.url());
                System.out.printf("1 MB: open+share %d ms, join until the joiner's buffer is complete %d ms%n",
                        (long) r[2] / 1_000_000, (long) r[3] / 1_000_000);
                // and it is live: an edit at the end reaches the other side
                String ua = (String) r[0];
                a.editor.edit(ua, text.length(), text.length(), "!");
                b.editor.awaitText((String) r[1], t -> t.endsWith("!"), 30_000);
            }
        }
    }

    @SuppressWarnings("unused")
    private static List<String> unused() {
        return new ArrayList<>(List.of(new Gson().toJson(new JsonObject()), WeftProtocol.SHARE));
    }
}

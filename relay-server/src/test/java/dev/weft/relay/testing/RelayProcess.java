package dev.weft.relay.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A relay running as a separate JVM process, for tests and benchmarks.
 *
 * <pre>{@code
 * try (RelayProcess relay = RelayProcess.start(tempDir)) {      // free port, data in tempDir/data
 *     RoomCredentials room = relay.createRoom();                 // POST /api/rooms
 *     ... connect clients to relay.url() ...
 *     relay.kill();      // SIGKILL;   relay.stop() sends SIGTERM and waits
 *     relay.restart();   // same port and data directory
 * }
 * }</pre>
 *
 * <p>What is launched: {@code java -jar <jar>} if system property {@code weft.relay.jar} names the fat jar, else
 * {@code java -cp <this JVM's class path> dev.weft.relay.RelayMain} (works inside relay-server's own tests, and in
 * any module with {@code weft-relay} on its test class path). JVM options: property {@code weft.relay.jvmArgs}
 * (default {@code -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, for fast startup). The relay's stderr (JSON
 * log lines) goes to {@link #logFile()}.
 */
public final class RelayProcess implements AutoCloseable {
    /** Working directory for the process and its log; immutable. */
    private final Path workDir;
    /** The relay's data directory; immutable. */
    private final Path dataDir;
    /** Listening port, kept across restarts; immutable. */
    private final int port;
    /** Extra relay flags; immutable. */
    private final List<String> extraArgs;
    /** JVM options, or null for the {@code weft.relay.jvmArgs} default; immutable. */
    private final String jvmArgs;
    /** Current process (replaced on restart). */
    private Process process;
    /** Restarts so far (each restart gets its own log file). */
    private int starts;

    private RelayProcess(Path workDir, Path dataDir, int port, List<String> extraArgs, String jvmArgs) {
        this.jvmArgs = jvmArgs;
        this.workDir = workDir;
        this.dataDir = dataDir;
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
    }

    /**
     * Starts a relay on a free port with data in {@code workDir/data}, and waits until {@code /healthz} answers.
     *
     * @param extraArgs more flags, e.g. {@code "--max-message-bytes", "65536"}
     */
    public static RelayProcess start(Path workDir, String... extraArgs) throws IOException {
        return startWithData(workDir, workDir.resolve("data"), extraArgs);
    }

    /** Like {@link #start(Path, String...)} with the data directory at {@code dataDir} (e.g. on a small mount). */
    public static RelayProcess startWithData(Path workDir, Path dataDir, String... extraArgs) throws IOException {
        RelayProcess p = new RelayProcess(workDir, dataDir, ServiceProcesses.freePort(), List.of(extraArgs), null);
        p.launch();
        return p;
    }

    /** {@link #start} with these JVM options (e.g. {@code "-Xmx160m -XX:+UseSerialGC"}) instead of the default. */
    public static RelayProcess startWithJvmArgs(Path workDir, String jvmArgs, String... extraArgs) throws IOException {
        RelayProcess p = new RelayProcess(workDir, workDir.resolve("data"), ServiceProcesses.freePort(), List.of(extraArgs), jvmArgs);
        p.launch();
        return p;
    }

    /** How a relay that was expected to exit by itself ended; immutable. */
    public record Exited(int exitCode, String log) {
    }

    /**
     * Runs a relay on {@code port} (e.g. one already in use) with data in {@code workDir/data} and waits for it to
     * exit by itself.
     *
     * @throws IOException if it is still running after {@code timeout} (it is then killed)
     */
    public static Exited runUntilExit(Path workDir, int port, Duration timeout, String... extraArgs)
            throws IOException {
        RelayProcess p = new RelayProcess(workDir, workDir.resolve("data"), port, List.of(extraArgs), null);
        p.spawn();
        try {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.process.destroyForcibly();
                p.waitFor();
                throw new IOException("relay still running " + timeout + " after start; log:\n" + p.log());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Exited(p.process.exitValue(), p.log());
    }

    /** {@code http://127.0.0.1:<port>} ({@code https} when started with {@code --tls-keystore}). */
    public String url() {
        return (extraArgs.contains("--tls-keystore") ? "https" : "http") + "://127.0.0.1:" + port;
    }

    /** {@link #url()} as a URI. */
    public java.net.URI uri() {
        return java.net.URI.create(url());
    }

    public int port() {
        return port;
    }

    /**
     * The value of counter or gauge {@code name} on {@code /metrics} now.
     *
     * @throws AssertionError if the relay does not report it
     */
    public long metric(String name) throws IOException {
        for (String line : Http.get(url() + "/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("relay reports no metric " + name);
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The stderr log of the current process. */
    public Path logFile() {
        return workDir.resolve("relay-" + starts + ".log");
    }

    /** The OS process id of the current process. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void launch() throws IOException {
        spawn();
        awaitHealthy(Duration.ofSeconds(60));
    }

    private void spawn() throws IOException {
        Files.createDirectories(workDir);
        starts++;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Test relays favour startup (C1 only, serial GC): tests start many; benchmarks use their own command line.
        cmd.addAll(List.of((jvmArgs != null ? jvmArgs
                : System.getProperty("weft.relay.jvmArgs", "-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"))
                .trim().split("\\s+")));
        String jar = System.getProperty("weft.relay.jar");
        if (jar != null && !jar.isEmpty()) {
            cmd.add("-jar");
            cmd.add(jar);
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("dev.weft.relay.RelayMain");
        }
        cmd.addAll(List.of("--host", "127.0.0.1", "--port", String.valueOf(port), "--data", dataDir.toString()));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        process = pb.start();
    }

    private void awaitHealthy(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("relay exited with " + process.exitValue() + " before /healthz answered; log:\n"
                        + log());
            }
            try {
                if (Http.get(url() + "/healthz").status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // keep polling
            }
            ServiceProcesses.sleep(50);
        }
        process.destroyForcibly();
        throw new IOException("relay did not answer /healthz within " + timeout + "; log:\n" + log());
    }

    /** {@code POST /api/rooms}. */
    public RoomCredentials createRoom() throws IOException {
        Http.Response r = Http.post(url() + "/api/rooms");
        if (r.status() != 201) {
            throw new IOException("POST /api/rooms answered " + r.status() + ": " + r.body());
        }
        return new RoomCredentials(jsonField(r.body(), "room"), jsonField(r.body(), "secret"),
                jsonField(r.body(), "readOnlySecret"));
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM (graceful: the relay flushes and closes storage), wait; returns the exit code. */
    public int stop() {
        process.destroy();
        return waitFor();
    }

    /** Starts the relay again on the same port and data directory (after {@link #kill()} or {@link #stop()}). */
    public void restart() throws IOException {
        if (isAlive()) {
            stop();
        }
        launch();
    }

    /** The current process's log so far. */
    public String log() {
        return ServiceProcesses.readLog(logFile());
    }

    @Override
    public void close() {
        if (isAlive()) {
            stop();
        }
    }

    private int waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reads one string field from a flat JSON object (enough for the relay's own responses). */
    static String jsonField(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalArgumentException("no string field '" + field + "' in " + json);
        }
        return m.group(1);
    }


    /** Minimal HTTP client for the relay's routes. */
    public static final class Http {
        private Http() {
        }

        /** Status code and body of a response; immutable. */
        public record Response(int status, String body, String contentType) {
        }

        /** An SSL context that accepts any certificate: only for test relays on loopback. */
        public static javax.net.ssl.SSLContext trustAll() {
            try {
                javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
                ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                    @Override
                    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
                    }

                    @Override
                    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                        return new java.security.cert.X509Certificate[0];
                    }
                }}, new java.security.SecureRandom());
                return ctx;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public static Response get(String url) throws IOException {
            return request("GET", url);
        }

        public static Response post(String url) throws IOException {
            return request("POST", url);
        }

        public static Response request(String method, String url) throws IOException {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            if (c instanceof javax.net.ssl.HttpsURLConnection https) {
                // Test relays use self-signed certificates on 127.0.0.1.
                https.setSSLSocketFactory(trustAll().getSocketFactory());
                https.setHostnameVerifier((host, session) -> true);
            }
            c.setRequestMethod(method);
            c.setConnectTimeout(2000);
            c.setReadTimeout(10000);
            if (method.equals("POST")) {
                c.setDoOutput(true);
                c.getOutputStream().close();
            }
            int status = c.getResponseCode();
            var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            c.disconnect();
            return new Response(status, body, c.getContentType());
        }
    }
}

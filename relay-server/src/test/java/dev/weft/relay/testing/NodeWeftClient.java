package dev.weft.relay.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link WeftTestClient} over the official Node {@code socket.io-client} (npm), run as a child process: the script
 * {@code relay-server/src/test/node/weft-client.js} turns stdin commands into emits and events into stdout lines.
 * The first use runs {@code npm ci} there if {@code node_modules} is missing.
 */
public final class NodeWeftClient extends WeftTestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The node process; immutable. */
    private final Process process;
    /** Its stdin; guarded by itself. */
    private final OutputStream stdin;

    private NodeWeftClient(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::readEvents, "node-client-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a Node client and waits for its Socket.IO connection.
     *
     * @param transports e.g. "websocket" or "polling,websocket" (polling first, then upgrade)
     */
    public static NodeWeftClient connect(String url, String transports) throws IOException {
        Path dir = scriptDir();
        ensureInstalled(dir);
        Process p = new ProcessBuilder("node", dir.resolve("weft-client.js").toString(), url, transports)
                .directory(dir.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        NodeWeftClient c = new NodeWeftClient(p);
        String first = c.awaitConnection(TIMEOUT);
        if (!first.equals("connect")) {
            c.close();
            throw new AssertionError("Node client could not connect to " + url + ": " + first);
        }
        return c;
    }

    public static NodeWeftClient connect(String url) throws IOException {
        return connect(url, "websocket");
    }

    /** The directory of weft-client.js: property {@code weft.relay.nodeDir}, else found from the working directory. */
    static Path scriptDir() {
        String prop = System.getProperty("weft.relay.nodeDir");
        if (prop != null && !prop.isEmpty()) {
            return Path.of(prop);
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path base = cwd; base != null; base = base.getParent()) {
            for (Path candidate : List.of(base.resolve("src/test/node"), base.resolve("relay-server/src/test/node"))) {
                if (Files.exists(candidate.resolve("weft-client.js"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("cannot find relay-server/src/test/node/weft-client.js from " + cwd
                + " (set -Dweft.relay.nodeDir)");
    }

    private static synchronized void ensureInstalled(Path dir) throws IOException {
        if (Files.isDirectory(dir.resolve("node_modules/socket.io-client"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IOException("npm ci failed in " + dir + ":\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void readEvents() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode n = JSON.readTree(line);
                String ev = n.path("ev").asText();
                switch (ev) {
                    case "weft" -> {
                        JsonNode data = n.get("data");
                        if (data != null && data.isTextual() && n.path("argc").asInt() == 1) {
                            received(data.asText());
                        } else {
                            events.add(new Event(null, "unexpected weft arguments: " + line, "?"));
                        }
                    }
                    case "connect" -> connection("connect");
                    case "disconnect" -> connection("disconnect: " + n.path("reason").asText());
                    case "connect_error" -> connection("connect_error: " + n.path("message").asText());
                    default -> events.add(new Event(null, "node: " + line, "?"));
                }
            }
        } catch (IOException e) {
            connection("disconnect: node client output failed: " + e);
        }
    }

    private void command(String op, Object data) {
        ObjectNode cmd = JSON.createObjectNode().put("op", op);
        if (data instanceof String s) {
            cmd.put("data", s);
        } else if (data != null) {
            cmd.set("data", JSON.valueToTree(data));
        }
        synchronized (stdin) {
            try {
                stdin.write((cmd + "\n").getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            } catch (IOException e) {
                throw new IllegalStateException("node client is gone", e);
            }
        }
    }

    @Override
    public void emitString(String data) {
        command("emit", data);
    }

    /** The node process id (tests pause it with SIGSTOP to play a client that stops reading). */
    public long pid() {
        return process.pid();
    }

    /** Emits an arbitrary JSON value as the argument (for malformed-input tests). */
    public void emitRaw(Object data) {
        command("emitRaw", data);
    }

    @Override
    public void disconnect() {
        command("disconnect", null);
    }

    @Override
    public void reconnect() {
        command("connect", null);
    }

    @Override
    public void close() {
        try {
            command("exit", null);
        } catch (IllegalStateException alreadyGone) {
            // fine
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

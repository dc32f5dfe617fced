package dev.weft.lsp.workspace;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.weft.client.SyncChannel;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.Workspace;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.session.RoomConnector;
import dev.weft.lsp.testing.SimulatedEditor;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Language servers and folder peers on shared folders, against a real relay process. */
final class WorkspaceFixtures {
    private static final Gson GSON = new Gson();

    private WorkspaceFixtures() {
    }

    /** A language server (in process, real relay transport) with the given workspace folders. */
    static SimulatedEditor editor(String user, Path dataDir, List<Path> folders) throws Exception {
        JsonObject opts = new JsonObject();
        opts.addProperty("userName", user);
        opts.addProperty("dataDir", dataDir.toString());
        for (Path f : folders) {
            Files.createDirectories(f);
        }
        return new SimulatedEditor(SimulatedEditor.Ordering.VSCODE, RoomConnector.RELAY, folders, opts);
    }

    /** {@code weft.shareWorkspace} on the relay; the result as JSON. */
    static JsonObject shareWorkspace(SimulatedEditor e, String relayUrl) throws Exception {
        JsonObject args = new JsonObject();
        args.addProperty("relayUrl", relayUrl);
        Object res = e.commandAsync(WeftProtocol.SHARE_WORKSPACE, args).get(120, TimeUnit.SECONDS);
        return GSON.toJsonTree(res).getAsJsonObject();
    }

    /** {@code weft.join}; the result as JSON. */
    static JsonObject join(SimulatedEditor e, String link) throws Exception {
        JsonObject args = new JsonObject();
        args.addProperty("link", link);
        Object res = e.commandAsync(WeftProtocol.JOIN, args).get(120, TimeUnit.SECONDS);
        return GSON.toJsonTree(res).getAsJsonObject();
    }

    /**
     * In {@code dir} (holding {@code a.txt} and {@code b.txt}), what a user does in the Explorer: creates
     * {@code new.txt} ("fresh"), moves {@code b.txt} to {@code renamed/b2.txt}, deletes {@code a.txt}; {@code e}, the
     * editor, reports the file events.
     */
    static void explorerCreateRenameDelete(SimulatedEditor e, Path dir) throws IOException {
        write(dir.resolve("new.txt"), "fresh\n");
        Files.createDirectories(dir.resolve("renamed"));
        Files.move(dir.resolve("b.txt"), dir.resolve("renamed/b2.txt"));
        Files.delete(dir.resolve("a.txt"));
        e.filesChanged(List.of(new FileEvent(uri(dir.resolve("new.txt")), FileChangeType.Created),
                new FileEvent(uri(dir.resolve("b.txt")), FileChangeType.Deleted),
                new FileEvent(uri(dir.resolve("renamed/b2.txt")), FileChangeType.Created),
                new FileEvent(uri(dir.resolve("a.txt")), FileChangeType.Deleted)));
    }

    /** A headless folder peer (the engine {@code bin/weft join} runs) on {@code dir}. */
    record FolderPeer(Workspace workspace, ChannelPool pool) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            workspace.close(Duration.ofSeconds(10));
            pool.close();
        }
    }

    static FolderPeer folderPeer(String link, Path dir) throws Exception {
        Files.createDirectories(dir);
        RelayClient.Options o = RelayClient.Options.of(InviteLink.parse(link)).withUser("folder", "#888888");
        RelayClient first = new RelayClient(o);
        first.connect().get(20, TimeUnit.SECONDS);
        ChannelPool pool = new ChannelPool(first, () -> {
            RelayClient c = new RelayClient(o.withClientId(o.clientId() + 1 + (long) (Math.random() * 1e6)));
            c.connect();
            return (SyncChannel) c;
        }, 500);
        Workspace w = Workspace.start(Workspace.Options.of(dir, n -> { }), pool);
        w.settled().get(60, TimeUnit.SECONDS);
        return new FolderPeer(w, pool);
    }

    /** Every shared-looking file under {@code dir} (not {@code .weft/}, not Weft's side files), path → text. */
    static Map<String, String> tree(Path dir) throws IOException {
        // The engines move and delete files while this walks: a file vanishing mid-walk means "look again".
        for (int attempt = 0; ; attempt++) {
            try {
                return walk(dir);
            } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
                if (attempt >= 20) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
    }

    private static Map<String, String> walk(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!Files.isRegularFile(p) || rel.startsWith(".weft/") || rel.contains("/.weft/")
                        || rel.contains(".weft-")) {
                    continue;
                }
                out.put(rel, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    static void write(Path p, String text) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until {@code c} holds; fails with {@code what} after {@code timeoutMs}. Returns the wait in ms. */
    static long await(String what, long timeoutMs, BooleanSupplier c) throws InterruptedException {
        return await(what, timeoutMs, c, () -> "");
    }

    static long await(String what, long timeoutMs, BooleanSupplier c, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeoutMs * 1_000_000;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what + " " + state.get());
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    static String uri(Path p) {
        return p.toAbsolutePath().normalize().toUri().toString();
    }
}

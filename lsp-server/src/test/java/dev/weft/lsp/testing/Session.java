package dev.weft.lsp.testing;

import dev.weft.client.testing.InMemoryRelay;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.customservice.WeftProtocol;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: an in-memory relay and simulated editors, each with its own in-process server and workspace; one
 * editor shares a document, the others join it.
 */
public final class Session implements AutoCloseable {
    /** The in-memory relay (also the connector unless a real relay is used). */
    public final InMemoryRelay relay = new InMemoryRelay();
    /** How servers reach rooms, and the relay URL passed to weft.share. */
    private final dev.weft.lsp.session.RoomConnector connector;
    /** {@link #relay} as the servers' connector. */
    private final InMemoryRoomConnector inMemory = new InMemoryRoomConnector(relay);
    private final String relayUrl;
    public final List<SimulatedEditor> editors = new ArrayList<>();
    public final List<String> uris = new ArrayList<>();
    public final Path root;
    public String link;
    /** When set, every editor added later gets it as {@code relayUrl} in its {@code initializationOptions}. */
    public String initRelayUrl;
    private final Gson gson = new Gson();

    public Session(Path root) {
        this.root = root;
        this.connector = inMemory;
        this.relayUrl = InMemoryRelay.URL.toString();
    }

    /** How this session's servers reach rooms (to start another server in the same session). */
    public dev.weft.lsp.session.RoomConnector connector() {
        return connector;
    }

    /** A session whose servers use the real relay transport at {@code relayUrl}. */
    public Session(Path root, String relayUrl) {
        this.root = root;
        this.connector = dev.weft.lsp.session.RoomConnector.RELAY;
        this.relayUrl = relayUrl;
    }

    /** Adds an editor with its own workspace {@code root/e<i>} and data dir. */
    public SimulatedEditor addEditor(SimulatedEditor.Ordering ordering, List<String> encodings) throws Exception {
        return addEditor(ordering, encodings, root.resolve("data" + editors.size()));
    }

    /** Adds an editor with its own workspace {@code root/e<i>} and the given data dir (shared = one user's HOME). */
    public SimulatedEditor addEditor(SimulatedEditor.Ordering ordering, List<String> encodings, Path dataDir)
            throws Exception {
        int i = editors.size();
        Path ws = root.resolve("e" + i);
        Files.createDirectories(ws);
        JsonObject opts = new JsonObject();
        opts.addProperty("userName", "user" + i);
        opts.addProperty("color", "#00000" + i);
        opts.addProperty("dataDir", dataDir.toString());
        if (initRelayUrl != null) {
            opts.addProperty("relayUrl", initRelayUrl);
        }
        SimulatedEditor e = new SimulatedEditor(ordering, encodings, connector, ws, opts);
        editors.add(e);
        uris.add(null);
        return e;
    }

    public Path workspace(int i) {
        return root.resolve("e" + i);
    }

    /** Editor 0 opens {@code name} with {@code text} and shares it; returns the invite link. */
    public String share(String name, String text) throws Exception {
        SimulatedEditor e = editors.get(0);
        Path p = workspace(0).resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        String uri = p.toUri().toString();
        e.open(uri, text);
        uris.set(0, uri);
        JsonObject args = new JsonObject();
        args.addProperty("relayUrl", relayUrl);
        Object res = e.command(WeftProtocol.SHARE, args);
        link = ((JsonElement) gson.toJsonTree(res)).getAsJsonObject().get("inviteLink").getAsString();
        return link;
    }

    /** Editor {@code i} joins with the link and opens the materialised document. */
    public String join(int i) throws Exception {
        SimulatedEditor e = editors.get(i);
        JsonObject args = new JsonObject();
        args.addProperty("link", link);
        Object res = e.command(WeftProtocol.JOIN, args);
        JsonObject o = gson.toJsonTree(res).getAsJsonObject();
        String uri = o.getAsJsonArray("documents").get(0).getAsString();
        String text = Files.readString(Path.of(java.net.URI.create(uri)), StandardCharsets.UTF_8);
        e.open(uri, text);
        uris.set(i, uri);
        long deadline = System.currentTimeMillis() + 10_000;
        while (e.serverImpl().session().bindingOf(uri) == null) { // didOpen is asynchronous
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("server never bound " + uri);
            }
            Thread.sleep(2);
        }
        return uri;
    }

    public DocumentBinding binding(int i) {
        return editors.get(i).serverImpl().session().bindingOf(uris.get(i));
    }

    /** Snapshot of one server's view of a document: replica text, view, version, idle. */
    public record ServerState(String replica, String view, int viewVersion, boolean idle) {
    }

    public ServerState serverState(int i) throws Exception {
        DocumentBinding b = binding(i);
        return b.call(() -> new ServerState(b.replica().getText(), b.view(), b.viewVersion(),
                !b.hasInflight() && !b.alignment().hasPending())).get(10, TimeUnit.SECONDS);
    }

    /**
     * Waits until every editor buffer equals every replica and every server is idle; checks invariants.
     *
     * @throws AssertionError with the states if it does not happen within {@code timeoutMs}
     */
    public String awaitConverged(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String last = "";
        while (true) {
            for (int i = 0; i < editors.size(); i++) {
                if (uris.get(i) != null) {
                    editors.get(i).flush(uris.get(i));
                }
            }
            if (connector == inMemory) {
                relay.drain();
            }
            boolean ok = true;
            String text = null;
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < editors.size(); i++) {
                if (uris.get(i) == null) {
                    continue;
                }
                ServerState s = serverState(i);
                String buf = editors.get(i).text(uris.get(i));
                report.append("editor ").append(i).append(": buffer=").append(abbrev(buf)).append(" view=")
                        .append(abbrev(s.view())).append(" replica=").append(abbrev(s.replica())).append(" idle=")
                        .append(s.idle()).append(" viewVersion=").append(s.viewVersion()).append(" editorVersion=")
                        .append(editors.get(i).version(uris.get(i)));
                if (text == null) {
                    text = buf;
                } else if (!buf.equals(text)) {
                    report.append(" firstDifferenceFromEditor0At=").append(firstDifference(buf, text));
                }
                if (!buf.equals(s.replica())) {
                    report.append(" bufferVsReplicaAt=").append(firstDifference(buf, s.replica()));
                }
                report.append('\n');
                ok &= s.idle() && buf.equals(s.replica()) && buf.equals(s.view()) && buf.equals(text)
                        && s.viewVersion() == editors.get(i).version(uris.get(i));
            }
            if (ok) {
                for (int i = 0; i < editors.size(); i++) {
                    if (uris.get(i) != null) {
                        DocumentBinding b = binding(i);
                        b.call(() -> {
                            b.checkInvariants();
                            b.replica().checkInvariants();
                            return null;
                        }).get(10, TimeUnit.SECONDS);
                    }
                }
                return text;
            }
            last = report.toString();
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not converged after " + timeoutMs + " ms:\n" + last);
            }
            Thread.sleep(20);
        }
    }

    private static String firstDifference(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 20);
        return i + " (" + abbrev(a.substring(from, Math.min(a.length(), i + 20))) + " vs "
                + abbrev(b.substring(from, Math.min(b.length(), i + 20))) + ")";
    }

    private static String abbrev(String s) {
        return s.length() <= 120 ? s.replace("\n", "\\n").replace("\r", "\\r")
                : s.substring(0, 50) + "…(" + s.length() + ")…" + s.substring(s.length() - 50);
    }

    @Override
    public void close() {
        for (SimulatedEditor e : editors) {
            e.close();
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> unused() {
        return null;
    }
}

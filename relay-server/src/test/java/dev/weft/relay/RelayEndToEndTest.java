package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import dev.weft.sync.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The relay as a real process, driven by the Java socket.io-client 2.1.2 and the official Node socket.io-client:
 * rooms, auth, sync, updates, acks, fan-out, read-only, malformed input, awareness, HTTP routes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayEndToEndTest {
    @TempDir
    static Path tmp;
    RelayProcess relay;

    @BeforeAll
    void startRelay() throws Exception {
        relay = RelayProcess.start(tmp, "--awareness-timeout-ms", "2000", "--check-invariants", "true");
    }

    @AfterAll
    void stopRelay() {
        if (relay != null) {
            // netty-socketio logs a refused polling request as SEVERE (AuthorizeHandler): that is client misuse.
            assertThat(relay.log().lines().filter(l -> l.contains("\"level\":\"SEVERE\""))
                    .filter(l -> !l.contains("\"logger\":\"AuthorizeHandler\"")))
                    .as("relay logged a bug (invariant or task failure)").isEmpty();
            assertThat(relay.stop()).as("exit code after SIGTERM; log:\n%s", relay.log()).isIn(0, 143);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void editorCreatesDocumentOtherReceivesUpdateAndSenderGetsDurableAck(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        ClientKind other = kind == ClientKind.JAVA ? ClientKind.NODE : ClientKind.JAVA;
        try (WeftTestClient a = kind.connect(relay); WeftTestClient b = other.connect(relay)) {
            Message.Welcome wa = a.join(room, room.secret(), 11, "ann");
            assertThat(wa.role()).isEqualTo(Role.EDITOR);
            assertThat(wa.docNames()).isEmpty();
            TextDocument ra = Replicas.fresh();
            Message.SyncReply first = Replicas.sync(a, "src/Main.java", ra);
            assertThat(first.serverVersion()).isEqualTo(VersionVector.EMPTY);
            assertThat(a.expect(Message.DocAdded.class).doc()).isEqualTo("src/Main.java");

            Message.Welcome wb = b.join(room, room.secret(), 12, "bob");
            assertThat(wb.docNames()).containsExactly("src/Main.java");
            TextDocument rb = Replicas.synced(b, "src/Main.java");

            byte[] update = ra.insert(0, "hello\u0000wörld 🧵").update();
            a.send(new Message.Update("src/Main.java", update));
            Replicas.awaitAck(a, "src/Main.java", ra.version());
            Message.Update forwarded = b.expect(Message.Update.class);
            assertThat(forwarded.update()).as("forwarded bytes are the sent bytes").isEqualTo(update);
            rb.applyUpdate(forwarded.update());
            assertThat(rb.getText()).isEqualTo("hello\u0000wörld 🧵");

            byte[] back = rb.delete(0, 5).update();
            b.send(new Message.Update("src/Main.java", back));
            Replicas.awaitAck(b, "src/Main.java", rb.version());
            ra.applyUpdate(a.expect(Message.Update.class).update());
            assertThat(ra.getText()).isEqualTo(rb.getText()).isEqualTo("\u0000wörld 🧵");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void lateJoinerSyncsFromRelayAloneAndResendsWhatRelayLacks(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        TextDocument ra = Replicas.fresh();
        try (WeftTestClient a = kind.connect(relay)) {
            a.join(room, room.secret(), 21, "ann");
            Replicas.sync(a, "notes.md", ra);
            a.send(new Message.Update("notes.md", ra.insert(0, "written while alone").update()));
            Replicas.awaitAck(a, "notes.md", ra.version());
            // Offline edit, sent only by the next sync's diff.
            ra.insert(ra.length(), "; offline tail");
        }
        try (WeftTestClient a = kind.connect(relay)) {
            a.join(room, room.secret(), 21, "ann");
            Message.SyncReply reply = Replicas.sync(a, "notes.md", ra);
            assertThat(reply.serverVersion().covers(ra.version())).isFalse();
            Replicas.awaitAck(a, "notes.md", ra.version());
        }
        try (WeftTestClient c = kind.connect(relay)) {
            TextDocument rc = Replicas.joined(c, room, room.readOnlySecret(), 22, "carol", "notes.md");
            assertThat(rc.getText()).isEqualTo("written while alone; offline tail");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void payloadsRoundTripIntactIncludingEmptyAndZeroLeading(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay); WeftTestClient b = kind.connect(relay)) {
            TextDocument ra = Replicas.joined(a, room, room.secret(), 31, "ann", "bin.dat");
            TextDocument rb = Replicas.joined(b, room, room.secret(), 32, "bob", "bin.dat");
            // Empty update: nothing applied or forwarded, only an Ack.
            a.send(new Message.Update("bin.dat", new byte[0]));
            assertThat(a.expect(Message.Ack.class).durableVersion()).isEqualTo(VersionVector.EMPTY);
            // Text with NULs and every control character, so encoded updates contain 0x00 bytes and
            // sequences that look like Socket.IO framing ("4:", digits).
            StringBuilder tricky = new StringBuilder("\u0000\u0000451-[\"weft\"]{\"_placeholder\":true,\"num\":0}");
            for (char c = 0; c < 0x20; c++) {
                tricky.append(c);
            }
            byte[] u = ra.insert(0, tricky.toString()).update();
            a.send(new Message.Update("bin.dat", u));
            Message.Update got = b.expect(Message.Update.class);
            assertThat(got.update()).isEqualTo(u);
            rb.applyUpdate(got.update());
            assertThat(rb.getText()).isEqualTo(tricky.toString());
            // Awareness state with a NUL-leading JSON string.
            Message.Awareness aw = new Message.Awareness("bin.dat", 31, 1, "{\"n\":\"\\u0000\u0000x\"}");
            a.send(aw);
            assertThat(b.expect(Message.Awareness.class)).isEqualTo(aw);
            // A payload whose update field starts with 0x00 but is not a CRDT update: refused intact, not mangled.
            a.send(new Message.Update("bin.dat", new byte[] {0, 0, 0, 0}));
            Message.Error err = a.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.BAD_UPDATE);
            assertThat(b.drain(Duration.ofMillis(200))).noneMatch(m -> m instanceof Message.Update);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void wrongOrMissingSecretGetsAuthFailedNoDataAndDisconnect(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay)) {
            a.join(room, room.secret(), 41, "ann");
            Replicas.sync(a, "secret.txt", Replicas.fresh());
        }
        for (String secret : List.of("wrong", "", room.secret() + "x")) {
            try (WeftTestClient intruder = kind.connect(relay)) {
                intruder.send(new Message.Hello(1, room.room(), secret, 42, "eve", "#000000"));
                Message.Error err = intruder.expect(Message.Error.class);
                assertThat(err.code()).isEqualTo(ErrorCode.AUTH_FAILED);
                assertThat(err.message()).doesNotContain("secret.txt");
                assertThat(intruder.awaitConnection(Duration.ofSeconds(5))).startsWith("disconnect");
                assertThat(intruder.drain(Duration.ofMillis(100))).isEmpty();
            }
        }
        try (WeftTestClient intruder = kind.connect(relay)) {
            intruder.send(new Message.Hello(1, "NoSuchRoom0000000000000", room.secret(), 43, "eve", "#000000"));
            assertThat(intruder.expect(Message.Error.class).code()).isEqualTo(ErrorCode.AUTH_FAILED);
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void readOnlyMemberReceivesEverythingButItsUpdateIsRejected(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient editor = JavaWeftClient.connect(relay.url()); WeftTestClient viewer = kind.connect(relay)) {
            TextDocument re = Replicas.joined(editor, room, room.secret(), 51, "ann", "doc.txt");
            editor.send(new Message.Update("doc.txt", re.insert(0, "abc").update()));
            Replicas.awaitAck(editor, "doc.txt", re.version());

            Message.Welcome w = viewer.join(room, room.readOnlySecret(), 52, "vic");
            assertThat(w.role()).isEqualTo(Role.READ_ONLY);
            TextDocument rv = Replicas.synced(viewer, "doc.txt");
            assertThat(rv.getText()).isEqualTo("abc");

            viewer.send(new Message.Update("doc.txt", rv.insert(0, "X").update()));
            Message.Error err = viewer.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.READ_ONLY);
            assertThat(err.doc()).isEqualTo("doc.txt");
            viewer.send(new Message.SyncRequest("new.txt", VersionVector.EMPTY));
            assertThat(viewer.expect(Message.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_DOC);

            editor.send(new Message.Update("doc.txt", re.insert(3, "d").update()));
            viewer.expect(Message.Update.class);
            assertThat(editor.drain(Duration.ofMillis(200))).noneMatch(m -> m instanceof Message.Update);
            TextDocument check = Replicas.synced(editor, "doc.txt");
            assertThat(check.getText()).isEqualTo("abcd");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void malformedMessagesGetErrorsAndTheConnectionKeepsWorking(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay)) {
            a.send(new Message.SyncRequest("x", VersionVector.EMPTY));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.NOT_JOINED);
            a.emitString("this is not base64 !!");
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            a.emitString(java.util.Base64.getEncoder().encodeToString(new byte[] {1, 99, 0}));
            assertThat(a.expect(Message.Error.class).message()).contains("unknown message type 99");
            if (a instanceof JavaWeftClient j) {
                j.emitRaw(new org.json.JSONObject(Map.of("not", "a string")));
            } else {
                ((NodeWeftClient) a).emitRaw(Map.of("not", "a string"));
            }
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            a.send(new Message.Hello(7, room.room(), room.secret(), 61, "ann", "#000000"));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
        }
        try (WeftTestClient a = kind.connect(relay)) {
            a.join(room, room.secret(), 62, "ann");
            a.send(new Message.Hello(1, room.room(), room.secret(), 62, "ann", "#000000"));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.TOO_MANY_ROOMS);
            a.send(new Message.SyncRequest("../etc/passwd", VersionVector.EMPTY));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_NAME);
            a.send(new Message.Update("missing.txt", new byte[] {1}));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.UNKNOWN_DOC);
            a.send(new Message.Ack("x", VersionVector.EMPTY));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
            TextDocument r = Replicas.synced(a, "still-works.txt");
            a.send(new Message.Update("still-works.txt", r.insert(0, "ok").update()));
            Replicas.awaitAck(a, "still-works.txt", r.version());
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void awarenessIsForwardedSentToJoinersAndClearedOnDisconnect(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay); WeftTestClient b = kind.connect(relay)) {
            a.join(room, room.secret(), 71, "ann");
            Replicas.sync(a, "f.txt", Replicas.fresh());
            a.send(new Message.Awareness("f.txt", 71, 5, "{\"name\":\"ann\",\"cursor\":3}"));
            a.send(new Message.Awareness("f.txt", 71, 4, "{\"stale\":true}"));
            a.send(new Message.Awareness("f.txt", 99, 9, "{\"spoof\":true}"));
            assertThat(a.expect(Message.Error.class).code()).isEqualTo(ErrorCode.BAD_CLIENT_ID);

            b.join(room, room.secret(), 72, "bob");
            Replicas.sync(b, "f.txt", Replicas.fresh());
            Message.Awareness seen = b.expect(Message.Awareness.class);
            assertThat(seen).isEqualTo(new Message.Awareness("f.txt", 71, 5, "{\"name\":\"ann\",\"cursor\":3}"));

            b.send(new Message.Awareness("f.txt", 72, 1, "{\"name\":\"bob\"}"));
            assertThat(a.expect(Message.Awareness.class).clientId()).isEqualTo(72);
            a.send(new Message.Awareness("f.txt", 71, 6, "{\"name\":\"ann\",\"cursor\":4}"));
            assertThat(b.expect(Message.Awareness.class).state()).contains("\"cursor\":4");

            a.disconnect();
            Message.Awareness gone = b.expect(Message.Awareness.class, m -> m.clientId() == 71, WeftTestClient.TIMEOUT);
            assertThat(gone.isRemoval()).isTrue();
        }
    }

    @Test
    void concurrentEditorsConvergeThroughTheRelay() throws Exception {
        long seed = 4242;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        RoomCredentials room = relay.createRoom();
        List<WeftTestClient> clients = List.of(JavaWeftClient.connect(relay.url()),
                NodeWeftClient.connect(relay.url()), JavaWeftClient.connect(relay.url()));
        try {
            List<TextDocument> replicas = new java.util.ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).join(room, room.secret(), 200 + i, "c" + i);
                TextDocument r = Replicas.synced(clients.get(i), "c.txt");
                replicas.add(r);
            }
            for (int round = 0; round < 60; round++) {
                int i = rnd.nextInt(clients.size());
                TextDocument r = replicas.get(i);
                byte[] u = r.length() > 0 && rnd.nextInt(3) == 0
                        ? r.delete(rnd.nextInt(r.length()), 1).update()
                        : r.insert(rnd.nextInt(r.length() + 1), "" + (char) ('a' + rnd.nextInt(26))).update();
                clients.get(i).send(new Message.Update("c.txt", u));
                for (int j = 0; j < clients.size(); j++) {
                    for (Message m : clients.get(j).drain(Duration.ofMillis(rnd.nextInt(3)))) {
                        if (m instanceof Message.Update fwd) {
                            replicas.get(j).applyUpdate(fwd.update());
                        }
                    }
                }
            }
            for (int i = 0; i < clients.size(); i++) {
                // Earlier acks were drained above; an empty update asks for an ack of everything before it.
                clients.get(i).send(new Message.Update("c.txt", new byte[0]));
                Replicas.awaitAck(clients.get(i), "c.txt", replicas.get(i).version());
            }
            for (int i = 0; i < clients.size(); i++) {
                for (Message m : clients.get(i).drain(Duration.ofMillis(100))) {
                    if (m instanceof Message.Update fwd) {
                        replicas.get(i).applyUpdate(fwd.update());
                    }
                }
                Replicas.sync(clients.get(i), "c.txt", replicas.get(i));
            }
            TextDocument fresh = Replicas.synced(clients.get(0), "c.txt");
            for (TextDocument r : replicas) {
                r.checkInvariants();
                assertThat(r.getText()).as("seed %d", seed).isEqualTo(fresh.getText());
                assertThat(r.version()).as("seed %d", seed).isEqualTo(fresh.version());
            }
        } finally {
            for (WeftTestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void awarenessExpiresWithoutRefresh() throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = JavaWeftClient.connect(relay.url()); WeftTestClient b = NodeWeftClient.connect(relay.url())) {
            a.join(room, room.secret(), 81, "ann");
            b.join(room, room.secret(), 82, "bob");
            a.send(new Message.Awareness("", 81, 1, "{\"here\":true}"));
            assertThat(b.expect(Message.Awareness.class).isRemoval()).isFalse();
            // The relay runs with --awareness-timeout-ms 2000.
            Message.Awareness expired = b.expect(Message.Awareness.class, m -> m.clientId() == 81,
                    Duration.ofSeconds(10));
            assertThat(expired.isRemoval()).isTrue();
            assertThat(a.expect(Message.Awareness.class).isRemoval()).as("the owner is told too").isTrue();
        }
    }

    @Test
    void longPollingIsRefusedClearlyBecauseTheRelayIsWebSocketOnly() throws Exception {
        for (String transports : List.of("polling", "polling,websocket")) {
            try {
                NodeWeftClient c = NodeWeftClient.connect(relay.url(), transports);
                c.close();
                throw new AssertionError("connected with transports " + transports);
            } catch (AssertionError expected) {
                assertThat(expected.getMessage()).contains("connect_error");
            }
        }
    }

    @Test
    void healthzAndMetricsAnswer() throws Exception {
        RelayProcess.Http.Response health = RelayProcess.Http.get(relay.url() + "/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(health.contentType()).startsWith("application/json");
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
            TextDocument r = Replicas.joined(a, room, room.secret(), 101, "ann", "m.txt");
            a.send(new Message.Update("m.txt", r.insert(0, "x").update()));
            Replicas.awaitAck(a, "m.txt", r.version());
            String metrics = RelayProcess.Http.get(relay.url() + "/metrics").body();
            assertThat(metrics).contains("# TYPE weft_connections gauge", "# TYPE weft_updates_total counter",
                    "weft_storage_commit_seconds_bucket{le=\"+Inf\"}", "weft_errors_total{code=\"AUTH_FAILED\"}",
                    "weft_bytes_received_total", "weft_bytes_sent_total", "weft_rooms ", "weft_documents ");
            assertThat(metricValue(metrics, "weft_connections")).isGreaterThanOrEqualTo(1);
            assertThat(metricValue(metrics, "weft_updates_total")).isGreaterThanOrEqualTo(1);
            assertThat(metricValue(metrics, "weft_storage_commit_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(metricValue(metrics, "weft_forward_latency_seconds_count")).as("updates forwarded")
                    .isGreaterThanOrEqualTo(1);
            double heapUsed = metricValue(metrics, "weft_jvm_heap_used_bytes");
            assertThat(heapUsed).as("a running relay has objects on its heap").isGreaterThan(0);
            assertThat(metricValue(metrics, "weft_jvm_heap_committed_bytes")).isGreaterThanOrEqualTo(heapUsed);
        }
        assertThat(RelayProcess.Http.get(relay.url() + "/api/rooms").status()).isEqualTo(405);
    }

    static double metricValue(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no metric " + name + " in\n" + metrics);
    }

    @Test
    void createdRoomsHaveUnguessableDistinctCredentials() throws Exception {
        RoomCredentials a = relay.createRoom();
        RoomCredentials b = relay.createRoom();
        assertThat(a.room()).matches("[A-Za-z0-9_-]{22,}").isNotEqualTo(b.room());
        assertThat(a.secret()).matches("[A-Za-z0-9_-]{22,}").isNotEqualTo(a.readOnlySecret()).isNotEqualTo(b.secret());
        assertThat(MessageCodec.PROTOCOL_VERSION).isEqualTo(1);
    }
}

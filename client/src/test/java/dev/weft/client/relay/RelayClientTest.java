package dev.weft.client.relay;

import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RelayExtension;
import dev.weft.client.ConnectionState;
import dev.weft.client.ReadOnlyDocumentException;
import dev.weft.client.RelayRejectedException;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.RoomCredentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.crdt.TextDocument;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.Role;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** RelayClient and SharedDocument against a real relay process. */
class RelayClientTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    private static RelayClient client(String room, String secret) {
        return new RelayClient(RelayClient.Options.of(relay.uri(), room, secret).withTimings(Duration.ofSeconds(5),
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(3)));
    }

    /**
     * Two members of a new room: clients {@code ca} and {@code cb}, both connected, each with document {@code doc}
     * opened ({@code a} on agent {@code agentA}, {@code b} on {@code agentB}), not yet synced. Closing closes the
     * clients.
     */
    record TwoMembers(RelayClient ca, RelayClient cb, SharedDocument a, SharedDocument b) implements AutoCloseable {
        static TwoMembers open(String doc, long agentA, long agentB) throws Exception {
            RoomCredentials room = new RoomApi(relay.uri()).createRoom();
            RelayClient ca = client(room.room(), room.secret());
            RelayClient cb = client(room.room(), room.secret());
            ca.connect().get(10, TimeUnit.SECONDS);
            cb.connect().get(10, TimeUnit.SECONDS);
            return new TwoMembers(ca, cb, SharedDocument.open(ca, doc, new TextDocument(agentA)),
                    SharedDocument.open(cb, doc, new TextDocument(agentB)));
        }

        @Override
        public void close() {
            cb.close();
            ca.close();
        }
    }

    private static void eventually(String what, java.util.function.BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void createdRoomAdmitsEditorAndReadOnlySecrets() throws Exception {
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        try (RelayClient editor = client(room.room(), room.secret());
             RelayClient reader = client(room.room(), room.readOnlySecret())) {
            assertThat(editor.connect().get(10, TimeUnit.SECONDS).role()).isEqualTo(Role.EDITOR);
            assertThat(reader.connect().get(10, TimeUnit.SECONDS).role()).isEqualTo(Role.READ_ONLY);
            assertThat(editor.state()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(reader.readOnly()).isTrue();
        }
    }

    @Test
    void wrongSecretIsRejectedAndTheClientStopsRetrying() throws Exception {
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        RelayClient c = client(room.room(), "not-the-secret");
        List<ConnectionState> states = Collections.synchronizedList(new ArrayList<>());
        c.addStateListener((s, cause) -> states.add(s));
        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RelayRejectedException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTH_FAILED));
        eventually("closed", () -> c.state() == ConnectionState.CLOSED);
        Thread.sleep(300);
        assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CLOSED);
    }

    @Test
    void unreachableRelayFailsTheFirstConnectAndKeepsRetrying() throws Exception {
        RelayClient c = new RelayClient(RelayClient.Options.of(URI.create("http://127.0.0.1:1"), "r", "s")
                .withTimings(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(400)));
        try (c) {
            assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RelayUnreachableException.class);
            eventually("offline", () -> c.state() == ConnectionState.OFFLINE);
        }
        assertThat(c.state()).isEqualTo(ConnectionState.CLOSED);
    }

    @Test
    void aDeadFirstRelayFailsOverToTheNextUrl() throws Exception {
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        RelayClient c = new RelayClient(RelayClient.Options.of(URI.create("http://127.0.0.1:1"), room.room(),
                room.secret()).withTimings(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(100),
                Duration.ofSeconds(3)), List.of(relay.uri()));
        try (c) {
            assertThat(c.connect().get(10, TimeUnit.SECONDS)).isNotNull();
            assertThat(c.currentRelay()).isEqualTo(relay.uri());
            assertThat(c.state()).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void unreachableRoomApiNamesTheRelay() {
        assertThatThrownBy(() -> new RoomApi(URI.create("http://127.0.0.1:1")).createRoom())
                .isInstanceOf(RelayUnreachableException.class).hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void arbitraryTextRoundTripsBetweenTwoMembersIncludingSurrogatesAndNul() throws Exception {
        try (TwoMembers m = TwoMembers.open("src/a.txt", 1001, 1002)) {
            SharedDocument a = m.a();
            SharedDocument b = m.b();
            a.firstSync().get(10, TimeUnit.SECONDS);
            b.firstSync().get(10, TimeUnit.SECONDS);
            String text = "\u0000héllo 😀 wörld\r\n\u0000";
            a.insert(0, text).join();
            eventually("b has the text", () -> b.call(TextDocument::getText).join().equals(text));
            assertThat(a.awaitAllAcked(Duration.ofSeconds(10))).isTrue();
            a.close();
            b.close();
        }
    }

    @Test
    void awarenessReachesTheOtherMember() throws Exception {
        try (TwoMembers m = TwoMembers.open("x.md", 1, 2)) {
            RelayClient ca = m.ca();
            SharedDocument a = m.a();
            SharedDocument b = m.b();
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            b.addAwarenessListener((id, s) -> seen.add(id + "=" + s));
            a.firstSync().get(10, TimeUnit.SECONDS);
            b.firstSync().get(10, TimeUnit.SECONDS);
            a.setLocalAwareness("{\"name\":\"ann\"}");
            eventually("awareness", () -> seen.contains(ca.clientId() + "={\"name\":\"ann\"}"));
            a.close();
            eventually("removal", () -> seen.contains(ca.clientId() + "="));
            b.close();
        }
    }

    @Test
    void clientReconnectsAfterRelayRestartAndResendsOfflineEdits() throws Exception {
        RelayProcess own = RelayProcess.start(tmp.resolve("restart-data"));
        try (own) {
            RoomCredentials room = new RoomApi(own.uri()).createRoom();
            RelayClient ca = new RelayClient(RelayClient.Options.of(own.uri(), room.room(), room.secret())
                    .withTimings(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(300),
                            Duration.ofSeconds(30)));
            RelayClient cb = new RelayClient(RelayClient.Options.of(own.uri(), room.room(), room.secret())
                    .withTimings(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(300),
                            Duration.ofSeconds(30)));
            try (ca; cb) {
                List<ConnectionState> states = Collections.synchronizedList(new ArrayList<>());
                ca.addStateListener((s, cause) -> states.add(s));
                ca.connect().get(10, TimeUnit.SECONDS);
                cb.connect().get(10, TimeUnit.SECONDS);
                SharedDocument a = SharedDocument.open(ca, "doc", new TextDocument(11));
                SharedDocument b = SharedDocument.open(cb, "doc", new TextDocument(22));
                a.insert(0, "before ").join();
                assertThat(a.awaitAllAcked(Duration.ofSeconds(10))).isTrue();

                long t0 = System.nanoTime();
                own.kill();
                eventually("a notices", () -> ca.state() == ConnectionState.RECONNECTING);
                long t1 = System.nanoTime();
                a.insert(7, "during ").join();
                assertThat(a.unackedCount()).isEqualTo(7);
                own.restart();
                long t2 = System.nanoTime();

                assertThat(a.awaitAllAcked(Duration.ofSeconds(20))).isTrue();
                long t3 = System.nanoTime();
                System.err.printf("restart test: notice %d ms, restart %d ms, reacked %d ms%n", (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
                eventually("b converges", () -> b.call(TextDocument::getText).join().equals("before during "));
                assertThat(states).containsSubsequence(ConnectionState.CONNECTING, ConnectionState.CONNECTED,
                        ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
                a.close();
                b.close();
            }
        }
    }

    @Test
    void readOnlyMemberReceivesEditsButCannotMakeThem() throws Exception {
        RoomCredentials room = new RoomApi(relay.uri()).createRoom();
        try (RelayClient ce = client(room.room(), room.secret());
             RelayClient cr = client(room.room(), room.readOnlySecret())) {
            ce.connect().get(10, TimeUnit.SECONDS);
            SharedDocument e = SharedDocument.open(ce, "ro.txt", new TextDocument(5));
            e.insert(0, "visible").join();
            assertThat(e.awaitAllAcked(Duration.ofSeconds(10))).isTrue();
            Message.Welcome w = cr.connect().get(10, TimeUnit.SECONDS);
            assertThat(w.docNames()).contains("ro.txt");
            SharedDocument r = SharedDocument.open(cr, "ro.txt", new TextDocument(6));
            r.firstSync().get(10, TimeUnit.SECONDS);
            assertThat(r.call(TextDocument::getText).join()).isEqualTo("visible");
            assertThat(r.isReadOnly()).isTrue();
            assertThatThrownBy(() -> r.insert(0, "x").join()).hasCauseInstanceOf(ReadOnlyDocumentException.class);
            e.close();
            r.close();
        }
    }
}

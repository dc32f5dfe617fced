package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Limits: the offending client gets the error, a bystander (the other client kind) keeps working, and the relay's
 * document stays consistent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayLimitsTest {
    @TempDir
    static Path tmp;
    RelayProcess relay;

    @BeforeAll
    void start() throws Exception {
        relay = RelayProcess.start(tmp, "--max-message-bytes", "4096", "--max-document-bytes", "12000",
                "--max-docs-per-connection", "3", "--update-rate", "5", "--update-burst", "12");
    }

    @AfterAll
    void stop() {
        relay.close();
    }

    /** Text the CRDT codec cannot shrink much (seeded). */
    private static String noise(int length, long seed) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('!' + rnd.nextInt(90)));
        }
        return sb.toString();
    }

    private static ClientKind other(ClientKind k) {
        return k == ClientKind.JAVA ? ClientKind.NODE : ClientKind.JAVA;
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void oversizedMessageIsRefusedForThatClientOnly(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient bad = kind.connect(relay); WeftTestClient good = other(kind).connect(relay)) {
            TextDocument rb = Replicas.joined(bad, room, room.secret(), 1, "bad", "a.txt");
            TextDocument rg = Replicas.joined(good, room, room.secret(), 2, "good", "a.txt");
            bad.send(new Message.Update("a.txt", rb.insert(0, noise(6000, 1)).update()));
            Message.Error err = bad.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            good.send(new Message.Update("a.txt", rg.insert(0, "fine").update()));
            Replicas.awaitAck(good, "a.txt", rg.version());
            assertThat(good.drain(Duration.ofMillis(200))).noneMatch(m -> m instanceof Message.Error);
            // The refused message left nothing behind: a fresh replica sees only the good text.
            TextDocument fresh = Replicas.synced(good, "a.txt");
            assertThat(fresh.getText()).isEqualTo("fine");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void documentSizeLimitRefusesGrowthButKeepsTheDocumentIntact(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay)) {
            TextDocument r = Replicas.joined(a, room, room.secret(), 1, "ann", "big.txt");
            String accepted = "";
            ErrorCode refused = null;
            for (int i = 0; i < 8 && refused == null; i++) {
                TextDocument before = Replicas.fresh();
                before.applyUpdate(r.encodeStateAsUpdate());
                a.send(new Message.Update("big.txt", r.insert(r.length(), noise(2500, i)).update()));
                Message m = a.expect(Message.class, x -> x instanceof Message.Ack || x instanceof Message.Error,
                        WeftTestClient.TIMEOUT);
                if (m instanceof Message.Error e) {
                    refused = e.code();
                    accepted = before.getText();
                }
            }
            assertThat(refused).isEqualTo(ErrorCode.DOC_TOO_LARGE);
            try (WeftTestClient check = other(kind).connect(relay)) {
                TextDocument fresh = Replicas.joined(check, room, room.readOnlySecret(), 2, "check", "big.txt");
                assertThat(fresh.getText()).isEqualTo(accepted);
                fresh.checkInvariants();
            }
        }
    }

    /**
     * The per-document limit in decoded characters (not the room's, not the per-update one): a live update that
     * would take one document over it is refused with DOC_TOO_LARGE while another document of the room still grows;
     * after a restart with a lower limit, stored updates that no longer fit are skipped with a SEVERE log line, and
     * the relay loads the room and serves it.
     */
    @Test
    void documentCharacterLimitRefusesLiveGrowthAndSkipsStoredUpdatesThatNoLongerFit() throws Exception {
        Path data = tmp.resolve("chars-data");
        RoomCredentials room;
        try (RelayProcess r = RelayProcess.startWithData(tmp.resolve("chars1"), data, "--max-document-chars", "4096");
             WeftTestClient a = ClientKind.JAVA.connect(r)) {
            room = r.createRoom();
            TextDocument doc = Replicas.joined(a, room, room.secret(), 1, "ann", "a.txt");
            a.send(new Message.Update("a.txt", doc.insert(0, noise(3000, 11)).update()));
            Replicas.awaitAck(a, "a.txt", doc.version());
            String kept = doc.getText();
            a.send(new Message.Update("a.txt", doc.insert(0, noise(3000, 12)).update()));
            Message.Error err = a.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.DOC_TOO_LARGE);
            assertThat(err.message()).contains("4096 characters");
            TextDocument other = Replicas.synced(a, "b.txt");
            a.send(new Message.Update("b.txt", other.insert(0, noise(3000, 13)).update()));
            Replicas.awaitAck(a, "b.txt", other.version());
            assertThat(Replicas.synced(a, "a.txt").getText()).isEqualTo(kept);
        }
        try (RelayProcess r = RelayProcess.startWithData(tmp.resolve("chars2"), data, "--max-document-chars", "2048");
             WeftTestClient a = ClientKind.NODE.connect(r)) {
            TextDocument doc = Replicas.joined(a, room, room.secret(), 2, "bob", "a.txt");
            assertThat(doc.getText()).isEmpty();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!r.log().contains("storage.update_over_limit") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(r.log()).contains("storage.update_over_limit");
            a.send(new Message.Update("a.txt", doc.insert(0, "after the restart").update()));
            Replicas.awaitAck(a, "a.txt", doc.version());
            assertThat(Replicas.synced(a, "a.txt").getText()).isEqualTo("after the restart");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void tooManyDocumentsPerConnection(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient a = kind.connect(relay)) {
            a.join(room, room.secret(), 1, "ann");
            for (String doc : List.of("1.txt", "2.txt", "3.txt")) {
                Replicas.sync(a, doc, Replicas.fresh());
            }
            a.send(new Message.SyncRequest("4.txt", VersionVector.EMPTY));
            Message.Error err = a.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.TOO_MANY_DOCS);
            assertThat(err.doc()).isEqualTo("4.txt");
        }
    }

    @ParameterizedTest
    @EnumSource(ClientKind.class)
    void updateFloodIsRateLimitedForTheFlooderOnly(ClientKind kind) throws Exception {
        RoomCredentials room = relay.createRoom();
        try (WeftTestClient flood = kind.connect(relay); WeftTestClient calm = other(kind).connect(relay)) {
            TextDocument rf = Replicas.joined(flood, room, room.secret(), 1, "flood", "r.txt");
            TextDocument rc = Replicas.joined(calm, room, room.secret(), 2, "calm", "r.txt");
            for (int i = 0; i < 40; i++) {
                flood.send(new Message.Update("r.txt", rf.insert(rf.length(), "f").update()));
            }
            Message.Error err = flood.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.RATE_LIMITED);
            calm.send(new Message.Update("r.txt", rc.insert(0, "c").update()));
            Replicas.awaitAck(calm, "r.txt", rc.version());
            assertThat(calm.drain(Duration.ofMillis(300))).noneMatch(m -> m instanceof Message.Error);
        }
    }
}

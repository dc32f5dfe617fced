package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.WireLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's per-connection and per-room document limits agree (issue 9, item 14): with the defaults one
 * connection can sync every document a room may hold, past the old 1,000 per connection; the room limit is what
 * refuses, with its own message.
 */
class RelayManyDocumentsTest {
    @TempDir
    Path tmp;

    @Test
    void oneConnectionSyncsMoreThanAThousandDocumentsWithTheDefaultLimits() throws Exception {
        int n = 1003;
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("defaults"));
             WeftTestClient a = JavaWeftClient.connect(relay.url());
             WeftTestClient b = JavaWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            a.join(room, room.secret(), 1, "ann");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                names.add(String.format("docs/d%04d.md", i));
                a.send(new Message.SyncRequest(names.get(i), VersionVector.EMPTY));
            }
            Set<String> replied = new HashSet<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (replied.size() < n && System.nanoTime() < deadline) {
                WeftTestClient.Event e = a.nextEvent(Duration.ofSeconds(10));
                assertThat(e).as("replies so far: %d of %d", replied.size(), n).isNotNull();
                assertThat(e.message()).as("no error while syncing %d documents", n)
                        .isNotInstanceOf(Message.Error.class);
                if (e.message() instanceof Message.SyncReply r) {
                    replied.add(r.doc());
                }
            }
            assertThat(replied).containsExactlyInAnyOrderElementsOf(names);
            // A second member sees all of them and can sync the last one.
            Message.Welcome w = b.join(room, room.secret(), 2, "bob");
            assertThat(w.docNames()).hasSize(n);
            assertThat(Replicas.sync(b, names.get(n - 1), Replicas.fresh()).doc()).isEqualTo(names.get(n - 1));
        }
    }

    @Test
    void theRoomLimitRefusesWithItsOwnMessageWhenOnlyItIsSet() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("small"), "--max-docs-per-room", "5");
             WeftTestClient a = JavaWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            a.join(room, room.secret(), 1, "ann");
            for (int i = 0; i < 5; i++) {
                Replicas.sync(a, "d" + i, Replicas.fresh());
            }
            a.send(new Message.SyncRequest("d5", VersionVector.EMPTY));
            Message.Error err = a.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.TOO_MANY_DOCS);
            assertThat(err.message()).contains("room already holds the maximum of 5 documents");
        }
    }

    /**
     * Long names cannot make the Welcome larger than a message: the relay refuses the document whose name would
     * take the room's names past {@link WireLimits#MAX_WELCOME_NAME_BYTES}, and a new member's Welcome listing all
     * the others still arrives.
     */
    @Test
    void longNamesStopAtTheWelcomeBudgetAndTheWelcomeStillArrives() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("names"), "--max-docs-per-room", "100000",
                     "--update-rate", "100000", "--update-burst", "100000");
             WeftTestClient a = JavaWeftClient.connect(relay.url())) {
            RoomCredentials room = relay.createRoom();
            a.join(room, room.secret(), 1, "ann");
            String segment = "s".repeat(200);
            String prefix = String.join("/", segment, segment, segment, segment, segment) + "/";
            int fits = 0;
            long used = 0;
            while (used + WireLimits.welcomeNameCost(prefix + String.format("%05d", fits))
                    <= WireLimits.MAX_WELCOME_NAME_BYTES) {
                used += WireLimits.welcomeNameCost(prefix + String.format("%05d", fits));
                fits++;
            }
            for (int i = 0; i < fits; i++) {
                a.send(new Message.SyncRequest(prefix + String.format("%05d", i), VersionVector.EMPTY));
            }
            int replies = 0;
            while (replies < fits) {
                WeftTestClient.Event e = a.nextEvent(Duration.ofSeconds(20));
                assertThat(e).as("replies so far: %d of %d", replies, fits).isNotNull();
                assertThat(e.message()).isNotInstanceOf(Message.Error.class);
                if (e.message() instanceof Message.SyncReply) {
                    replies++;
                }
            }
            a.send(new Message.SyncRequest(prefix + String.format("%05d", fits), VersionVector.EMPTY));
            Message.Error err = a.expect(Message.Error.class);
            assertThat(err.code()).isEqualTo(ErrorCode.TOO_MANY_DOCS);
            assertThat(err.message()).contains("a Welcome may list");
            try (WeftTestClient b = JavaWeftClient.connect(relay.url())) {
                Message.Welcome w = b.join(room, room.secret(), 2, "bob");
                assertThat(w.docNames()).hasSize(fits);
            }
        }
    }
}

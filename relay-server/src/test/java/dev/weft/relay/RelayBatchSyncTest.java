package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rooms with thousands of documents: one connection may sync every document its room may hold, and the first sync
 * of all of them is one SyncBatchRequest answered in parts under the message size limit.
 */
class RelayBatchSyncTest {
    static final int DOCS = 3000;
    /**
     * Small, so the ~100 KB answer for 3,000 documents must be split into several parts (and the client's request,
     * ~90 KB, into batches of {@link #PER_REQUEST}; at the default 16 MiB one request holds them all).
     */
    static final int MAX_MESSAGE_BYTES = 32 << 10;
    static final int PER_REQUEST = 1000;

    @TempDir
    Path tmp;

    @Test
    void joiningARoomOf3000DocumentsSyncsThemAllInOneBatchSplitUnderTheMessageLimit() throws Exception {
        // Default document limits: per connection follows per room (10,000), so nothing stops at 1,000.
        try (RelayProcess relay = RelayProcess.start(tmp, "--max-message-bytes", String.valueOf(MAX_MESSAGE_BYTES))) {
            RoomCredentials room = relay.createRoom();
            Map<String, String> texts = new LinkedHashMap<>();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                List<Message.SyncRequest> create = new ArrayList<>();
                for (int i = 0; i < DOCS; i++) {
                    create.add(new Message.SyncRequest(name(i), VersionVector.EMPTY));
                }
                Map<String, Message.SyncReply> created = batchSync(a, 1, create);
                assertThat(created).hasSize(DOCS);
                // Content in every 10th document (300 updates, within the default rate burst).
                VersionVector last = null;
                for (int i = 0; i < DOCS; i += 10) {
                    TextDocument r = Replicas.fresh();
                    String text = "document " + i + " says hello\n";
                    a.send(new Message.Update(name(i), r.insert(0, text).update()));
                    texts.put(name(i), text);
                    last = r.version();
                    if (i == DOCS - 10) {
                        Replicas.awaitAck(a, name(i), last);
                    }
                }
            }
            try (WeftTestClient b = JavaWeftClient.connect(relay.url())) {
                Message.Welcome w = b.join(room, room.readOnlySecret(), 2, "bob");
                assertThat(w.docNames()).hasSize(DOCS);
                List<Message.SyncRequest> all = new ArrayList<>();
                for (String doc : w.docNames()) {
                    all.add(new Message.SyncRequest(doc, VersionVector.EMPTY));
                }
                long t0 = System.nanoTime();
                List<Message.SyncBatchReply> parts = new ArrayList<>();
                Map<String, Message.SyncReply> replies = batchSync(b, 42, all, parts);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf("batch sync of %d documents: %d ms in %d parts%n", DOCS, ms, parts.size());
                assertThat(replies.keySet()).containsExactlyInAnyOrderElementsOf(w.docNames());
                assertThat(parts.size()).as("parts under a %d-byte limit", MAX_MESSAGE_BYTES)
                        .isGreaterThan(DOCS / PER_REQUEST);
                for (Message.SyncBatchReply p : parts) {
                    assertThat(MessageCodec.encode(p).length).isLessThanOrEqualTo(MAX_MESSAGE_BYTES);
                }
                for (String doc : w.docNames()) {
                    TextDocument r = Replicas.fresh();
                    r.applyUpdate(replies.get(doc).update());
                    assertThat(r.getText()).as(doc).isEqualTo(texts.getOrDefault(doc, ""));
                }
                // The per-document request (old clients) still works on the same connection, past 1,000 documents.
                TextDocument r = Replicas.fresh();
                Replicas.sync(b, name(2990), r);
                assertThat(r.getText()).isEqualTo(texts.get(name(2990)));
                assertThat(b.drain(Duration.ofMillis(300))).noneMatch(m -> m instanceof Message.Error);
            }
        }
    }

    private static String name(int i) {
        return "src/pkg" + (i / 100) + "/File" + i + ".java";
    }

    private static Map<String, Message.SyncReply> batchSync(WeftTestClient c, long batch,
                                                            List<Message.SyncRequest> requests) {
        return batchSync(c, batch, requests, new ArrayList<>());
    }

    /**
     * Sends SyncBatchRequests of {@link #PER_REQUEST} entries (batch ids {@code batch}, {@code batch + 1}, …) and
     * collects their parts until each one's last; fails on any Error.
     */
    private static Map<String, Message.SyncReply> batchSync(WeftTestClient c, long batch,
                                                            List<Message.SyncRequest> requests,
                                                            List<Message.SyncBatchReply> parts) {
        Map<String, Message.SyncReply> replies = new LinkedHashMap<>();
        for (int from = 0; from < requests.size(); from += PER_REQUEST) {
            long id = batch + from / PER_REQUEST;
            List<Message.SyncRequest> chunk = requests.subList(from, Math.min(requests.size(), from + PER_REQUEST));
            Message.SyncBatchRequest request = new Message.SyncBatchRequest(id, chunk);
            assertThat(MessageCodec.encode(request).length).isLessThanOrEqualTo(MAX_MESSAGE_BYTES);
            c.send(request);
            collect(c, id, parts, replies);
        }
        return replies;
    }

    private static void collect(WeftTestClient c, long batch, List<Message.SyncBatchReply> parts,
                                Map<String, Message.SyncReply> replies) {
        while (true) {
            Message m = c.expect(Message.class, x -> x instanceof Message.SyncBatchReply || x instanceof Message.Error,
                    Duration.ofSeconds(30));
            if (m instanceof Message.Error e) {
                throw new AssertionError("batch sync refused an entry: " + e);
            }
            Message.SyncBatchReply part = (Message.SyncBatchReply) m;
            assertThat(part.batch()).isEqualTo(batch);
            parts.add(part);
            for (Message.SyncReply r : part.replies()) {
                replies.put(r.doc(), r);
            }
            if (part.last()) {
                return;
            }
        }
    }
}

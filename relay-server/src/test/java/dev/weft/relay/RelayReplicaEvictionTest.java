package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import dev.weft.sync.StateCheckResult;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that keeps few replicas of a room in memory ({@code --max-loaded-docs-per-room}) serves a shared folder's
 * traffic exactly: several connections each create a batch of documents, send every document's content at once
 * (seeded), ask state checks meanwhile, and get an Ack for every update; a joiner syncing every document in one
 * batch gets every text exactly, and so does one after a restart. The replicas in memory stay bounded by the cap
 * (plus those whose writes are in flight), and documents evicted are loaded back on demand.
 */
class RelayReplicaEvictionTest {
    static final int CAP = 25;
    static final int CONNECTIONS = 3;
    static final int DOCS_PER_CONNECTION = 120;

    @TempDir
    Path tmp;

    @Test
    void aFolderOfManyDocumentsUnderASmallReplicaCapGetsEveryAckAndReadsBackExactly() throws Exception {
        long seed = Long.getLong("weft.seed", 1_010L);
        SplittableRandom random = new SplittableRandom(seed);
        try (RelayProcess relay = RelayProcess.start(tmp, "--max-loaded-docs-per-room", String.valueOf(CAP))) {
            RoomCredentials room = relay.createRoom();
            Map<String, String> texts = new LinkedHashMap<>();
            List<WeftTestClient> sharers = new ArrayList<>();
            try {
                for (int c = 0; c < CONNECTIONS; c++) {
                    WeftTestClient client = JavaWeftClient.connect(relay.url());
                    sharers.add(client);
                    client.join(room, room.secret(), 100 + c, "share" + c);
                }
                // Every connection creates its documents in one batch, as a folder peer does.
                List<List<String>> names = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    List<String> mine = new ArrayList<>();
                    List<Message.SyncRequest> create = new ArrayList<>();
                    for (int i = 0; i < DOCS_PER_CONNECTION; i++) {
                        String name = ".weft/f/" + c + "-" + i;
                        mine.add(name);
                        create.add(new Message.SyncRequest(name, VersionVector.EMPTY));
                    }
                    names.add(mine);
                    sharers.get(c).send(new Message.SyncBatchRequest(c + 1, create));
                }
                for (int c = 0; c < CONNECTIONS; c++) {
                    assertThat(batchReplies(sharers.get(c), c + 1).keySet())
                            .containsExactlyInAnyOrderElementsOf(names.get(c));
                }
                // Then every document's content, interleaved over the connections, with state checks of documents
                // already acknowledged (their replicas were evicted meanwhile and must be loaded back to answer).
                Map<String, VersionVector> awaited = new HashMap<>();
                Map<String, TextDocument> replicas = new HashMap<>();
                for (int i = 0; i < DOCS_PER_CONNECTION; i++) {
                    for (int c = 0; c < CONNECTIONS; c++) {
                        String name = names.get(c).get(i);
                        TextDocument r = Replicas.fresh();
                        String text = text(random);
                        sharers.get(c).send(new Message.Update(name, r.insert(0, text).update()));
                        texts.put(name, text);
                        replicas.put(name, r);
                        awaited.put(name, r.version());
                    }
                }
                for (int c = 0; c < CONNECTIONS; c++) {
                    awaitAcks(sharers.get(c), names.get(c), awaited);
                }
                for (int c = 0; c < CONNECTIONS; c++) {
                    for (int i = 0; i < DOCS_PER_CONNECTION; i += 7) {
                        String name = names.get(c).get(i);
                        TextDocument r = replicas.get(name);
                        sharers.get(c).send(new Message.StateCheck(name, r.version(), sha256(r.getText())));
                        Message.StateCheckReply reply = sharers.get(c).expect(Message.StateCheckReply.class,
                                m -> m.doc().equals(name), Duration.ofSeconds(30));
                        assertThat(reply.result()).as("state check of %s", name).isEqualTo(StateCheckResult.SAME_TEXT);
                    }
                }
            } finally {
                for (WeftTestClient c : sharers) {
                    c.close();
                }
            }
            assertThat(metric(relay, "weft_replica_evictions_total")).isPositive();
            assertThat(metric(relay, "weft_replica_loads_total")).isPositive();

            assertJoinerReadsEverything(relay, room, texts, seed);
            assertThat(metric(relay, "weft_replicas")).as("replicas in memory once every write is durable")
                    .isLessThanOrEqualTo(CAP);

            relay.restart();
            assertJoinerReadsEverything(relay, room, texts, seed);
            assertThat(metric(relay, "weft_replicas_peak")).as("most replicas in memory since the restart")
                    .isLessThanOrEqualTo(CAP);
        }
    }

    /** A read-only member syncs every document in one batch and finds each text exactly. */
    private static void assertJoinerReadsEverything(RelayProcess relay, RoomCredentials room,
                                                    Map<String, String> texts, long seed) throws Exception {
        try (WeftTestClient b = JavaWeftClient.connect(relay.url())) {
            Message.Welcome w = b.join(room, room.readOnlySecret(), 7, "joiner");
            assertThat(w.docNames()).containsExactlyInAnyOrderElementsOf(texts.keySet());
            List<Message.SyncRequest> all = new ArrayList<>();
            for (String doc : w.docNames()) {
                all.add(new Message.SyncRequest(doc, VersionVector.EMPTY));
            }
            b.send(new Message.SyncBatchRequest(99, all));
            Map<String, Message.SyncReply> replies = batchReplies(b, 99);
            assertThat(replies.keySet()).containsExactlyInAnyOrderElementsOf(texts.keySet());
            for (Map.Entry<String, String> t : texts.entrySet()) {
                TextDocument r = Replicas.fresh();
                r.applyUpdate(replies.get(t.getKey()).update());
                assertThat(r.getText()).as("%s (seed %d)", t.getKey(), seed).isEqualTo(t.getValue());
            }
        }
    }

    /** Collects the parts of batch {@code batch} until its last; fails on an Error. Other messages are skipped. */
    private static Map<String, Message.SyncReply> batchReplies(WeftTestClient c, long batch) {
        Map<String, Message.SyncReply> replies = new LinkedHashMap<>();
        while (true) {
            WeftTestClient.Event e = c.nextEvent(Duration.ofSeconds(60));
            assertThat(e).as("batch %d: %d replies so far", batch, replies.size()).isNotNull();
            assertThat(e.message()).as("no error in batch %d", batch).isNotInstanceOf(Message.Error.class);
            if (e.message() instanceof Message.SyncBatchReply part && part.batch() == batch) {
                for (Message.SyncReply r : part.replies()) {
                    replies.put(r.doc(), r);
                }
                if (part.last()) {
                    return replies;
                }
            }
        }
    }

    /** Reads events until an Ack covering {@code awaited} arrived for each of {@code docs}; fails on an Error. */
    private static void awaitAcks(WeftTestClient c, List<String> docs, Map<String, VersionVector> awaited) {
        Set<String> missing = new HashSet<>(docs);
        while (!missing.isEmpty()) {
            WeftTestClient.Event e = c.nextEvent(Duration.ofSeconds(60));
            assertThat(e).as("acks still missing: %d, e.g. %s", missing.size(), missing.stream().findFirst())
                    .isNotNull();
            assertThat(e.message()).as("no error while waiting for acks").isNotInstanceOf(Message.Error.class);
            if (e.message() instanceof Message.Ack a && a.durableVersion().covers(awaited.get(a.doc()))) {
                missing.remove(a.doc());
            }
        }
    }

    /** A seeded source-like text of 1 to 60 lines. */
    private static String text(SplittableRandom random) {
        StringBuilder b = new StringBuilder();
        for (int l = random.nextInt(1, 61); l > 0; l--) {
            b.append("    value ").append(random.nextInt(1_000_000)).append(random.nextBoolean() ? ";\n" : " é😀\r\n");
        }
        return b.toString();
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long metric(RelayProcess relay, String name) throws Exception {
        String body = RelayProcess.Http.get(relay.url() + "/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)").matcher(body);
        assertThat(m.find()).as("metric %s", name).isTrue();
        return Long.parseLong(m.group(1));
    }
}

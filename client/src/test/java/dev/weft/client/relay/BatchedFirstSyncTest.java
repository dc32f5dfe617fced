package dev.weft.client.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.RelayRejectedException;
import dev.weft.client.SharedDocument;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.sync.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first sync of many documents opened together on one {@link RelayClient} is one batched exchange
 * (SyncBatchRequest), proved against a real relay whose per-connection message budget is far below the number of
 * documents: one SyncRequest per document would be refused as RATE_LIMITED and crawl at one per second, a batch
 * counts once. Contents are seeded; every document must arrive with exactly the text the writer stored.
 */
class BatchedFirstSyncTest {
    static final int DOCS = 400;

    @TempDir
    Path tmp;

    @Test
    void documentsOpenedTogetherSyncInOneBatchUnderATightMessageRateAndArriveIntact() throws Exception {
        run(Long.getLong("weft.seed", 90_210L), false);
    }

    @Test
    void documentsOpenedInsideAHoldSyncInOneBatchUnderATightMessageRateAndArriveIntact() throws Exception {
        run(Long.getLong("weft.seed", 31_337L), true);
    }

    private void run(long seed, boolean hold) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        // Burst 100 messages, then 1 per second: 400 separate SyncRequests would take minutes.
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("data"),
                "--update-rate", "1", "--update-burst", "100")) {
            RoomCredentials room = new RoomApi(relay.uri()).createRoom();
            Map<String, String> texts = new LinkedHashMap<>();
            for (int i = 0; i < DOCS; i++) {
                // Text in about one document of 16, at most 20 (within the writer's burst of 100 messages), the rest empty.
                StringBuilder b = new StringBuilder();
                if (random.nextInt(16) == 0 && texts.values().stream().filter(t -> !t.isEmpty()).count() < 20) {
                    int lines = random.nextInt(1, 6);
                    for (int l = 0; l < lines; l++) {
                        b.append("line ").append(random.nextInt(1_000_000)).append(" of doc ").append(i)
                                .append(random.nextBoolean() ? "\r\n" : " \u00e9\ud83d\ude00\n");
                    }
                }
                texts.put("dir" + random.nextInt(10) + "/doc" + i + ".txt", b.toString());
            }
            // The writer uploads in rounds that fit its own budget (creations ride on the batch, updates do not).
            upload(relay, room, texts, seed);

            RelayClient reader = client(relay, room);
            List<RelayRejectedException> rateLimited = new CopyOnWriteArrayList<>();
            reader.addMessageListener(m -> {
                if (m instanceof dev.weft.sync.Message.Error e && e.code() == ErrorCode.RATE_LIMITED) {
                    rateLimited.add(new RelayRejectedException(e.code(), e.message()));
                }
            });
            List<SharedDocument> docs = new ArrayList<>();
            long t0 = System.nanoTime();
            RelayClient.SyncHold h = hold ? reader.holdSyncRequests() : null;
            for (String name : texts.keySet()) {
                SharedDocument d = SharedDocument.open(reader, name, new TextDocument(random.nextLong(1L << 40)));
                d.addErrorListener(e -> {
                    if (e.code() == ErrorCode.RATE_LIMITED) {
                        rateLimited.add(e);
                    }
                });
                docs.add(d);
            }
            if (h != null) {
                h.close();
            }
            List<SharedDocument> late = SharedDocument.awaitFirstSync(docs, Duration.ofSeconds(30));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("seed %d, hold %s: first sync of %d documents in %d ms%n", seed, hold, DOCS, ms);
            assertThat(late).as("documents not synced (seed %d)", seed).isEmpty();
            assertThat(rateLimited).as("refused as rate-limited: the sync was not batched (seed %d)", seed).isEmpty();
            for (SharedDocument d : docs) {
                assertThat(d.call(TextDocument::getText).get(5, TimeUnit.SECONDS)).as(d.name())
                        .isEqualTo(texts.get(d.name()));
                d.close();
            }
            reader.close();
        }
    }

    /** Creates every document (one batch) and stores the texts (one Update each) from a second client. */
    private static void upload(RelayProcess relay, RoomCredentials room, Map<String, String> texts, long seed)
            throws Exception {
        RelayClient writer = client(relay, room);
        List<SharedDocument> docs = new ArrayList<>();
        // Held explicitly: the writer's own budget must not depend on how fast this JVM opens 400 documents (the
        // automatic batch closes after a 2 ms pause; on a cold or busy JVM the writer then sent dozens of batches
        // and its updates starved at 1 message/s).
        try (RelayClient.SyncHold hold = writer.holdSyncRequests()) {
            for (String name : texts.keySet()) {
                docs.add(SharedDocument.open(writer, name, new TextDocument(seed & 0xffff_ffffL)));
            }
        }
        assertThat(SharedDocument.awaitFirstSync(docs, Duration.ofSeconds(30))).isEmpty();
        for (SharedDocument d : docs) {
            String text = texts.get(d.name());
            if (!text.isEmpty()) {
                d.insert(0, text).get(5, TimeUnit.SECONDS);
            }
        }
        for (SharedDocument d : docs) {
            assertThat(d.awaitAllAcked(Duration.ofSeconds(120))).as("acked " + d.name()).isTrue();
            d.close();
        }
        writer.close();
    }

    private static RelayClient client(RelayProcess relay, RoomCredentials room) throws Exception {
        RelayClient c = new RelayClient(RelayClient.Options.of(relay.uri(), room.room(), room.secret())
                .withTimings(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500),
                        Duration.ofSeconds(30)));
        c.connect().get(20, TimeUnit.SECONDS);
        return c;
    }
}

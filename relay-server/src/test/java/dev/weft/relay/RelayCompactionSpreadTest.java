package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.room.CompactionPolicy;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.NodeWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spread compactions (--compact-spread): each document of a room compacts at its own threshold within
 * [--compact-updates, --compact-updates × (1 + spread)), the one {@link CompactionPolicy} gives, and every acked
 * edit survives those compactions and a SIGKILL after them.
 */
class RelayCompactionSpreadTest {
    private static final int COMPACT_UPDATES = 20;
    private static final double SPREAD = 0.5;
    private static final int DOCS = 8;
    private static final int EDITS = 45;
    private static final Pattern COMPACTED = Pattern.compile(
            "\"event\":\"doc\\.compacted\".*?\"room\":\"([^\"]+)\".*?\"doc\":\"([^\"]+)\".*?\"upToSeq\":(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void documentsCompactWithinTheSpreadRangeAndNoAckedEditIsLost() throws Exception {
        CompactionPolicy policy = new CompactionPolicy(COMPACT_UPDATES, Long.MAX_VALUE, SPREAD);
        try (RelayProcess relay = RelayProcess.start(tmp, "--compact-updates", String.valueOf(COMPACT_UPDATES),
                "--compact-spread", String.valueOf(SPREAD), "--log-level", "FINE", "--check-invariants", "true")) {
            RoomCredentials room = relay.createRoom();
            Map<String, TextDocument> typed = new LinkedHashMap<>();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                for (int d = 0; d < DOCS; d++) {
                    String doc = "exercise-" + d + ".md";
                    TextDocument r = Replicas.fresh();
                    Replicas.sync(a, doc, r);
                    // One edit at a time, each acked before the next: the compaction task queued by the edit that
                    // reaches the threshold runs before the next edit, so the snapshot covers exactly that seq.
                    for (int i = 0; i < EDITS; i++) {
                        a.send(new Message.Update(doc, r.insert(r.length(), d + "." + i + ";").update()));
                        Replicas.awaitAck(a, doc, r.version());
                    }
                    typed.put(doc, r);
                }
            }
            Map<String, List<Long>> snapshots = compactions(relay.log(), room.room());
            Set<Long> firstThresholds = new HashSet<>();
            for (String doc : typed.keySet()) {
                List<Long> upTo = snapshots.getOrDefault(doc, List.of());
                assertThat(upTo).as("%s compacted", doc).isNotEmpty();
                long previous = 0;
                for (int round = 0; round < upTo.size(); round++) {
                    long t = policy.updates(room.room(), doc, round);
                    assertThat(t).isGreaterThanOrEqualTo(COMPACT_UPDATES).isLessThan((long) (COMPACT_UPDATES * 1.5));
                    // The next edit may rarely reach the room before the compaction task: one more seq at most.
                    assertThat(upTo.get(round) - previous).as("%s compaction %d, threshold %d", doc, round, t)
                            .isBetween(t, t + 1);
                    previous = upTo.get(round);
                }
                assertThat(EDITS - previous).as("%s: no compaction was due after the last", doc)
                        .isLessThan(policy.updates(room.room(), doc, upTo.size()) + 1);
                firstThresholds.add(upTo.get(0));
            }
            assertThat(firstThresholds).as("documents of one room compact at different counts").hasSizeGreaterThan(1);
            relay.kill();
            relay.restart();
            try (WeftTestClient b = NodeWeftClient.connect(relay.url())) {
                b.join(room, room.readOnlySecret(), 2, "bob");
                for (Map.Entry<String, TextDocument> e : typed.entrySet()) {
                    TextDocument rb = Replicas.synced(b, e.getKey());
                    assertThat(rb.getText()).as(e.getKey()).isEqualTo(e.getValue().getText());
                    assertThat(rb.version()).isEqualTo(e.getValue().version());
                }
            }
            assertThat(relay.log()).doesNotContain("\"level\":\"SEVERE\"");
        }
    }

    /** The upToSeq of each doc.compacted line of {@code room} in {@code log}, per document, in log order. */
    private static Map<String, List<Long>> compactions(String log, String room) {
        Map<String, List<Long>> byDoc = new LinkedHashMap<>();
        for (String line : log.split("\n")) {
            Matcher m = COMPACTED.matcher(line);
            if (m.find() && m.group(1).equals(room)) {
                byDoc.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(Long.parseLong(m.group(3)));
            }
        }
        return byDoc;
    }
}

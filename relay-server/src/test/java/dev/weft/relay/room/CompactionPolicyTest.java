package dev.weft.relay.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {

    @Test
    void everyThresholdIsAtLeastTheSettingAndBelowItTimesOnePlusSpread() {
        CompactionPolicy p = new CompactionPolicy(1000, 4L << 20, 0.5);
        for (int room = 0; room < 20; room++) {
            for (int doc = 0; doc < 50; doc++) {
                for (long round = 0; round < 3; round++) {
                    long u = p.updates("room-" + room, "doc-" + doc + ".md", round);
                    long b = p.bytes("room-" + room, "doc-" + doc + ".md", round);
                    assertThat(u).isBetween(1000L, 1499L);
                    assertThat(b).isGreaterThanOrEqualTo(4L << 20).isLessThan((long) ((4L << 20) * 1.5));
                }
            }
        }
    }

    @Test
    void spreadZeroGivesTheExactSettings() {
        CompactionPolicy p = new CompactionPolicy(7, 123, 0);
        for (int doc = 0; doc < 100; doc++) {
            assertThat(p.updates("r", "d" + doc, doc)).isEqualTo(7);
            assertThat(p.bytes("r", "d" + doc, doc)).isEqualTo(123);
        }
    }

    @Test
    void sameRoomNameAndRoundGiveTheSameThresholdInEveryInstance() {
        CompactionPolicy a = new CompactionPolicy(1000, 1 << 20, 0.5);
        CompactionPolicy b = new CompactionPolicy(1000, 1 << 20, 0.5);
        for (int doc = 0; doc < 100; doc++) {
            assertThat(a.updates("r", "d" + doc, 2)).isEqualTo(b.updates("r", "d" + doc, 2));
            assertThat(a.bytes("r", "d" + doc, 2)).isEqualTo(b.bytes("r", "d" + doc, 2));
        }
        // Pinned: the hash must not change between releases or JVMs (the nodes of a cluster agree on it).
        assertThat(a.updates("room", "doc.md", 0)).isEqualTo(1286);
    }

    @Test
    void hundredDocumentsOfOneRoomCoverMostOfTheRange() {
        CompactionPolicy p = new CompactionPolicy(1000, 1 << 20, 0.5);
        boolean[] tenths = new boolean[10];
        Set<Long> distinct = new HashSet<>();
        for (int doc = 0; doc < 100; doc++) {
            long t = p.updates("class-7b", "exercise-" + doc + ".py", 0);
            distinct.add(t);
            tenths[(int) ((t - 1000) / 50)] = true;
        }
        assertThat(distinct).hasSizeGreaterThan(80);
        for (int i = 0; i < 10; i++) {
            assertThat(tenths[i]).as("a threshold in [%d, %d)", 1000 + 50 * i, 1050 + 50 * i).isTrue();
        }
    }

    @Test
    void oneDocumentsLaterCompactionsMoveAndRoomsWithTheSameNamesDiffer() {
        CompactionPolicy p = new CompactionPolicy(1000, 1 << 20, 0.5);
        Set<Long> rounds = new HashSet<>();
        Set<Long> rooms = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            rounds.add(p.updates("r", "main.md", i));
            rooms.add(p.updates("room-" + i, "main.md", 0));
        }
        assertThat(rounds).hasSizeGreaterThan(15);
        assertThat(rooms).hasSizeGreaterThan(15);
    }

    @Test
    void hugeSettingsSaturateAndStayInRange() {
        CompactionPolicy p = new CompactionPolicy(Integer.MAX_VALUE, Long.MAX_VALUE, 4);
        for (int doc = 0; doc < 100; doc++) {
            assertThat(p.updates("r", "d" + doc, 0)).isBetween((long) Integer.MAX_VALUE, 5L * Integer.MAX_VALUE - 1);
            assertThat(p.bytes("r", "d" + doc, 0)).isEqualTo(Long.MAX_VALUE);
        }
        CompactionPolicy one = new CompactionPolicy(1, 1, 0.5);
        assertThat(one.updates("r", "d", 0)).isEqualTo(1); // 1 × 1.5: only 1 is below the bound
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new CompactionPolicy(0, 1, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactionPolicy(1, 0, 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactionPolicy(1, 1, -0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactionPolicy(1, 1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clusterNodesWithDifferentSaltsSnapshotOneDocumentAtDifferentCounts() {
        CompactionPolicy unsalted = new CompactionPolicy(1000, 1 << 20, 0.5);
        CompactionPolicy zero = new CompactionPolicy(1000, 1 << 20, 0.5, 0);
        CompactionPolicy[] nodes = {
            new CompactionPolicy(1000, 1 << 20, 0.5, 0x1234_5678_9abcL),
            new CompactionPolicy(1000, 1 << 20, 0.5, 0x0fed_cba9_8765L),
            new CompactionPolicy(1000, 1 << 20, 0.5, 1),
        };
        int allDiffer = 0;
        for (int doc = 0; doc < 200; doc++) {
            String name = "chapter-" + doc + ".tex";
            assertThat(zero.updates("r", name, 0)).isEqualTo(unsalted.updates("r", name, 0));
            Set<Long> atNodes = new HashSet<>();
            for (CompactionPolicy node : nodes) {
                long t = node.updates("r", name, 0);
                assertThat(t).isBetween(1000L, 1499L);
                atNodes.add(t);
            }
            if (atNodes.size() == nodes.length) {
                allDiffer++;
            }
        }
        // Three independent thresholds among 500 values coincide for about 1 % of documents.
        assertThat(allDiffer).isGreaterThan(180);
        // Salt 0 keeps the pinned value of the unsalted policy (a single relay's thresholds survive the upgrade).
        assertThat(zero.updates("room", "doc.md", 0)).isEqualTo(1286);
    }
}

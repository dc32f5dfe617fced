package dev.weft.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.sim.Peer;
import dev.weft.crdt.sim.TextGen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Named scenarios for the interleaving anomalies of sequence CRDTs (Weidner &amp; Kleppmann, "The Art of the
 * Fugue", 2023; Gentle's reference-crdts tests): concurrent runs typed at the same place must stay together,
 * forwards and backwards, in every delivery order. Agent ids decide only which run comes first, so each
 * scenario accepts either order of the runs, and runs with both agent orders.
 */
class InterleavingScenarioTest {
    private static final long[][] AGENT_ORDERS = {{11, 22, 33}, {33, 22, 11}, {22, 33, 11}};

    @Test
    void concurrentForwardTypingAtSamePositionDoesNotInterleave() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.insert(0, "[]");
            b.pullFrom(a);
            a.typeForward(1, "abc");
            b.typeForward(1, "xyz");
            assertThat(mergeBothWays(a, b)).isIn("[abcxyz]", "[xyzabc]");
        }
    }

    @Test
    void concurrentForwardTypingIntoEmptyDocumentDoesNotInterleave() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.typeForward(0, "abc");
            b.typeForward(0, "xyz");
            assertThat(mergeBothWays(a, b)).isIn("abcxyz", "xyzabc");
        }
    }

    @Test
    void concurrentBackwardTypingAtSamePositionDoesNotInterleave() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.insert(0, "[]");
            b.pullFrom(a);
            a.typeBackward(1, "abc");
            b.typeBackward(1, "xyz");
            assertThat(a.text()).isEqualTo("[abc]");
            assertThat(mergeBothWays(a, b)).isIn("[abcxyz]", "[xyzabc]");
        }
    }

    @Test
    void concurrentBackwardTypingIntoEmptyDocumentDoesNotInterleave() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.typeBackward(0, "abc");
            b.typeBackward(0, "xyz");
            assertThat(mergeBothWays(a, b)).isIn("abcxyz", "xyzabc");
        }
    }

    @Test
    void forwardTypingConcurrentWithBackwardTypingDoesNotInterleave() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.insert(0, "<>");
            b.pullFrom(a);
            a.typeForward(1, "abcd");
            b.typeBackward(1, "wxyz");
            assertThat(mergeBothWays(a, b)).isIn("<abcdwxyz>", "<wxyzabcd>");
        }
    }

    @Test
    void threeAgentsTypingWordsAtSamePositionKeepEachWordTogether() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            Peer c = new Peer("c", ag[2]);
            a.insert(0, "Dear team,\n");
            b.pullFrom(a);
            c.pullFrom(a);
            a.typeForward(11, "milk ");
            b.typeBackward(11, "eggs ");
            c.typeForward(11, "bread ");
            String text = Peer.syncAndAssertConverged(c, b, a);
            assertThat(text).startsWith("Dear team,\n").hasSize(11 + 16);
            assertThat(text.substring(11)).isIn(permutations("milk ", "eggs ", "bread "));
        }
    }

    /** reference-crdts "withTails": each agent types a char, then one before it and one after it. */
    @Test
    void runsGrowingOnBothSidesConcurrentlyStayTogether() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.insert(0, "a");
            a.insert(0, "<");
            a.insert(2, ">");
            b.insert(0, "b");
            b.insert(0, "(");
            b.insert(2, ")");
            assertThat(mergeBothWays(a, b)).isIn("<a>(b)", "(b)<a>");
        }
    }

    /** reference-crdts "interleavingBackward2": each agent types a char and then one before it. */
    @Test
    void secondCharTypedBeforeFirstConcurrentlyStaysWithItsRun() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            a.insert(0, "a");
            a.insert(0, "x");
            b.insert(0, "b");
            b.insert(0, "y");
            assertThat(mergeBothWays(a, b)).isIn("xayb", "ybxa");
        }
    }

    /**
     * reference-crdts "localVsConcurrent": a, b and c are inserted concurrently at the start; d, who has seen
     * a and c, inserts between them. d must stay between a and c on every replica, whatever b does.
     */
    @Test
    void insertBetweenTwoConcurrentInsertionsStaysBetweenThem() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            Peer c = new Peer("c", ag[2]);
            Peer d = new Peer("d", 44);
            a.insert(0, "a");
            b.insert(0, "b");
            c.insert(0, "c");
            d.pullFrom(a);
            d.pullFrom(c);
            String seen = d.text();
            d.insert(1, "d");
            String merged = Peer.syncAndAssertConverged(b, a, c, d);
            assertThat(merged).hasSize(4);
            String without = merged.replace("b", "");
            assertThat(without).as("d stays between %s", seen)
                .isEqualTo(seen.charAt(0) + "d" + seen.charAt(1));
        }
    }

    /** Words typed concurrently into the same gap between two existing words. */
    @Test
    void concurrentInsertsBetweenTheSameTwoCharactersKeepTheirRuns() {
        for (long[] ag : AGENT_ORDERS) {
            Peer a = new Peer("a", ag[0]);
            Peer b = new Peer("b", ag[1]);
            Peer c = new Peer("c", ag[2]);
            a.insert(0, "ab");
            b.pullFrom(a);
            c.pullFrom(a);
            a.typeForward(1, "111");
            b.typeForward(1, "222");
            c.typeBackward(1, "333");
            String text = Peer.syncAndAssertConverged(a, b, c);
            assertThat(text).startsWith("a").endsWith("b");
            assertThat(text.substring(1, 10)).isIn(permutations("111", "222", "333"));
        }
    }

    /**
     * Property: 2–4 agents each start a session at the same offset of a shared text and, without seeing each
     * other, type forwards, backwards, in the middle of their own text and delete some of it. After merging in
     * any order, each agent's visible text is one contiguous block between the shared prefix and suffix.
     */
    @Test
    void concurrentSessionsAtSamePositionNeverInterleaveRandomized() {
        concurrentSessions(1, 300);
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void concurrentSessionsAtSamePositionNeverInterleaveForever() {
        concurrentSessions(100_000, Integer.getInteger("weft.interleave.forever.seeds", 20_000));
    }

    private static void concurrentSessions(long firstSeed, int seeds) {
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int k = 2 + rnd.nextInt(3);
            Peer[] peers = new Peer[k];
            for (int i = 0; i < k; i++) {
                peers[i] = new Peer("p" + i, rnd.nextLong(1L << 53));
            }
            String base = TextGen.text(rnd, rnd.nextInt(6));
            if (!base.isEmpty()) {
                peers[0].typeForward(0, base);
            }
            for (int i = 1; i < k; i++) {
                peers[i].pullFrom(peers[0]);
            }
            int p = TextGen.position(rnd, base);
            List<Peer> extra = new ArrayList<>();
            // Half of the time a further replica concurrently deletes a range of the shared text, possibly
            // the very characters around p: the runs must still not interleave.
            SplittableRandom drnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int ds = 0;
            int de = 0;
            if (!base.isEmpty() && drnd.nextBoolean()) {
                Peer deleter = new Peer("deleter", drnd.nextLong(1L << 53));
                deleter.pullFrom(peers[0]);
                ds = TextGen.position(drnd, base);
                de = TextGen.snap(base, ds + 1 + drnd.nextInt(base.length()));
                if (de > ds) {
                    deleter.delete(ds, de - ds);
                    extra.add(deleter);
                }
            }
            String[] regions = new String[k];
            for (int i = 0; i < k; i++) {
                regions[i] = session(rnd, peers[i], p);
            }
            List<Peer> order = new ArrayList<>(List.of(peers));
            order.addAll(extra);
            java.util.Collections.shuffle(order, new java.util.Random(seed));
            String text = Peer.syncAndAssertConverged(order.toArray(new Peer[0]));
            String prefix = without(base, 0, p, ds, de);
            String suffix = without(base, p, base.length(), ds, de);
            String context = "seed=" + seed + " base=\"" + base + "\" p=" + p + " deleted [" + ds + "," + de + ") text=\""
                + text + "\"";
            assertThat(text).as(context).startsWith(prefix).endsWith(suffix);
            String middle = text.substring(prefix.length(), text.length() - suffix.length());
            assertThat(middle).as("%s: regions %s must each stay contiguous", context, List.of(regions))
                .isIn(permutations(regions));
        }
    }

    /** {@code base[from, to)} without the characters of {@code base[ds, de)}. */
    private static String without(String base, int from, int to, int ds, int de) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i < ds || i >= de) {
                sb.append(base.charAt(i));
            }
        }
        return sb.toString();
    }

    /** One agent's private editing session in its own region starting at {@code p}; returns the region. */
    private static String session(SplittableRandom rnd, Peer peer, int p) {
        int len = 0;
        int cursor = p;
        int steps = 1 + rnd.nextInt(12);
        for (int s = 0; s < steps; s++) {
            int mode = rnd.nextInt(10);
            String own = peer.text().substring(p, p + len);
            if (mode < 4) {
                String ch = TextGen.text(rnd, 1);
                peer.insert(cursor, ch);
                cursor += ch.length();
                len += ch.length();
            } else if (mode < 6) {
                String ch = TextGen.text(rnd, 1);
                peer.insert(cursor, ch);
                len += ch.length();
            } else if (mode < 8 || len == 0) {
                cursor = p + TextGen.position(rnd, own);
            } else {
                int at = TextGen.position(rnd, own);
                int n = TextGen.unitAt(own, at);
                if (n > 0) {
                    peer.delete(p + at, n);
                    len -= n;
                    cursor = p + at;
                }
            }
        }
        return peer.text().substring(p, p + len);
    }

    /** Delivers a's edits to b one by one and b's to a one by one, then compares. */
    private static String mergeBothWays(Peer a, Peer b) {
        for (byte[] u : b.outbox) {
            a.apply(u);
        }
        for (int i = a.outbox.size() - 1; i >= 0; i--) {
            b.apply(a.outbox.get(i)); // reverse order: the later ones wait for their dependencies
        }
        return Peer.assertConverged(a, b);
    }

    static List<String> permutations(String... parts) {
        List<String> out = new ArrayList<>();
        permute(new ArrayList<>(List.of(parts)), "", out);
        return out;
    }

    private static void permute(List<String> rest, String prefix, List<String> out) {
        if (rest.isEmpty()) {
            out.add(prefix);
            return;
        }
        for (int i = 0; i < rest.size(); i++) {
            List<String> r = new ArrayList<>(rest);
            String x = r.remove(i);
            permute(r, prefix + x, out);
        }
    }
}

package dev.weft.client.workspace;

import dev.weft.client.paths.PathValidator;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.workspace.tree.FileKind;
import dev.weft.client.workspace.tree.ResolvedFile;
import dev.weft.client.workspace.tree.TreeEvent;
import dev.weft.client.workspace.tree.TreeResolver;
import dev.weft.crdt.model.VersionVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The tree resolution: a pure function of the set of events, whatever order peers hold the lines in. */
class TreeResolverTest {
    static final String F1 = "00000000000000f1";
    static final String F2 = "00000000000000f2";
    static final String F3 = "00000000000000f3";
    static final String HASH = "ab".repeat(32);

    /** Every permutation of the log's lines resolves to the same files. */
    static Map<String, String> resolveAllOrders(List<TreeEvent> events) {
        List<List<TreeEvent>> perms = new ArrayList<>();
        permute(new ArrayList<>(events), 0, perms);
        Map<String, String> first = null;
        for (List<TreeEvent> order : perms) {
            StringBuilder log = new StringBuilder();
            order.forEach(e -> log.append(e.toLine()));
            Map<String, String> got = summary(TreeResolver.resolve(log.toString()));
            if (first == null) {
                first = got;
            }
            assertThat(got).as("order %s", order).isEqualTo(first);
        }
        return first;
    }

    static Map<String, String> summary(TreeResolver.Resolution r) {
        Map<String, String> m = new TreeMap<>();
        for (ResolvedFile f : r.live().values()) {
            m.put(f.path(), f.fileId() + (f.blob() == null ? "" : "@" + f.blob().substring(0, 4)));
        }
        return m;
    }

    static void permute(List<TreeEvent> list, int k, List<List<TreeEvent>> out) {
        if (k == list.size()) {
            out.add(List.copyOf(list));
            return;
        }
        for (int i = k; i < list.size(); i++) {
            java.util.Collections.swap(list, k, i);
            permute(list, k + 1, out);
            java.util.Collections.swap(list, k, i);
        }
    }

    @Test
    void twoConcurrentRenamesOneNameWinsByLamportThenAgent() {
        TreeEvent create = TreeEvent.path(F1, 1, 10, FileKind.TEXT, "a.txt");
        TreeEvent renameByLowAgent = TreeEvent.path(F1, 2, 10, FileKind.TEXT, "by-10.txt");
        TreeEvent renameByHighAgent = TreeEvent.path(F1, 2, 20, FileKind.TEXT, "by-20.txt");
        assertThat(resolveAllOrders(List.of(create, renameByLowAgent, renameByHighAgent)))
                .containsExactly(Map.entry("by-20.txt", F1));
    }

    @Test
    void deleteAfterRenameDeletesAndRenameAfterDeleteRestores() {
        TreeEvent create = TreeEvent.path(F1, 1, 10, FileKind.TEXT, "a.txt");
        TreeEvent delete = TreeEvent.delete(F1, 3, 20, VersionVector.EMPTY);
        TreeEvent renameBefore = TreeEvent.path(F1, 2, 10, FileKind.TEXT, "b.txt");
        assertThat(resolveAllOrders(List.of(create, delete, renameBefore))).isEmpty();
        TreeEvent restore = TreeEvent.path(F1, 4, 10, FileKind.TEXT, "a.txt");
        assertThat(resolveAllOrders(List.of(create, delete, renameBefore, restore)))
                .containsExactly(Map.entry("a.txt", F1));
    }

    @Test
    void twoFilesClaimingOnePathTheEarlierClaimKeepsIt() {
        TreeEvent a = TreeEvent.path(F1, 5, 30, FileKind.TEXT, "docs/plan.md");
        TreeEvent b = TreeEvent.path(F2, 5, 40, FileKind.TEXT, "docs/Plan.md");
        TreeEvent c = TreeEvent.path(F3, 4, 90, FileKind.TEXT, "docs/PLAN.md");
        assertThat(resolveAllOrders(List.of(a, b, c))).containsOnly(
                Map.entry("docs/PLAN.md", F3), Map.entry("docs/plan (2).md", F1), Map.entry("docs/Plan (3).md", F2));
    }

    @Test
    void aFileNamedLikeAnotherFilesDirectoryIsRenamed() {
        TreeEvent file = TreeEvent.path(F1, 1, 10, FileKind.TEXT, "build");
        TreeEvent inDir = TreeEvent.path(F2, 2, 10, FileKind.TEXT, "build/out.txt");
        assertThat(resolveAllOrders(List.of(file, inDir))).containsExactly(
                Map.entry("build (2)", F1), Map.entry("build/out.txt", F2));
    }

    @Test
    void binaryContentAndPathAreSeparateRegisters() {
        TreeEvent create = TreeEvent.path(F1, 1, 10, FileKind.BINARY, "fig.png");
        TreeEvent blob1 = TreeEvent.blob(F1, 2, 10, "cd".repeat(32));
        TreeEvent renameByB = TreeEvent.path(F1, 3, 20, FileKind.BINARY, "figure.png");
        TreeEvent newContentByA = TreeEvent.blob(F1, 3, 10, HASH);
        assertThat(resolveAllOrders(List.of(create, blob1, renameByB, newContentByA)))
                .containsExactly(Map.entry("figure.png", F1 + "@abab"));
    }

    @Test
    void malformedAndUnfinishedLinesAreSkipped() {
        String log = TreeEvent.path(F1, 1, 10, FileKind.TEXT, "ok.txt").toLine()
                + "P\t" + F2 + "\t1\t10\tt\t../escape\n"
                + "X\tjunk\n"
                + "P\t" + F3 + "\t1\t10\tt\t.weft/tree\n"
                + "P\t" + F2 + "\t1\t10\tt\tpartial";
        assertThat(summary(TreeResolver.resolve(log))).containsExactly(Map.entry("ok.txt", F1));
    }

    @Test
    void linesRoundTripAndDeleteCarriesWhatTheDeleterSaw() {
        VersionVector seen = VersionVector.of(Map.of(7L, 3L, 2L, 9L));
        TreeEvent d = TreeEvent.delete(F1, 4, 5, seen);
        assertThat(d.toLine()).isEqualTo("D\t" + F1 + "\t4\t5\t2:9,7:3\n");
        TreeEvent back = TreeEvent.parse(d.toLine().strip());
        assertThat(back).isEqualTo(d);
        assertThat(back.seen()).isEqualTo(seen);
        TreeEvent p = TreeEvent.path(F2, 1, 2, FileKind.BINARY, "emoji 😀/x.png");
        assertThat(TreeEvent.parse(p.toLine().substring(0, p.toLine().length() - 1))).isEqualTo(p);
    }

    @Test
    void randomLogsResolveTheSameInAnyOrder() {
        long seed = 20261205L;
        SplittableRandom random = new SplittableRandom(seed);
        String[] ids = {F1, F2, F3};
        String[] paths = {"a", "b", "A", "d/x", "d"};
        for (int round = 0; round < 200; round++) {
            List<TreeEvent> events = new ArrayList<>();
            int n = 2 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                String id = ids[random.nextInt(ids.length)];
                long lamport = random.nextInt(4);
                long agent = random.nextInt(3);
                events.add(switch (random.nextInt(3)) {
                    case 0, 1 -> TreeEvent.path(id, lamport, agent, FileKind.TEXT, paths[random.nextInt(paths.length)]);
                    default -> TreeEvent.delete(id, lamport, agent, VersionVector.EMPTY);
                });
            }
            Map<String, String> expected = null;
            for (int shuffle = 0; shuffle < 20; shuffle++) {
                List<TreeEvent> order = new ArrayList<>(events);
                for (int i = order.size() - 1; i > 0; i--) {
                    java.util.Collections.swap(order, i, random.nextInt(i + 1));
                }
                Map<String, String> got = summary(TreeResolver.resolve(order));
                if (expected == null) {
                    expected = got;
                }
                assertThat(got).as("seed %d round %d events %s", seed, round, events).isEqualTo(expected);
                java.util.Set<String> keys = new java.util.HashSet<>();
                for (String path : got.keySet()) {
                    assertThat(keys.add(PathValidator.caseFoldKey(path))).as("no case-fold collision: %s", got)
                            .isTrue();
                }
            }
        }
    }
}

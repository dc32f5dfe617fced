package dev.weft.bench.replay;

import dev.weft.bench.TestTraces;
import dev.weft.bench.trace.Trace;
import dev.weft.bench.trace.TraceReader;
import dev.weft.crdt.TextDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shared trace replayed through Weft's public API: exact {@code endContent} for the sequential traces
 * (egwalker through the code-point conversion), convergence plus {@code endContent} for friendsforever and
 * clownschool, convergence plus length for git-makefile. Invariants are checked at about 25 sampled steps per
 * replica and on every replica at the end (every step would take minutes on the large traces).
 */
class TraceReplayTest {

    /** Number of sampled invariant checks per replay phase. */
    private static final int CHECKS = 25;

    private static Trace load(String name) throws Exception {
        return TraceReader.read(TestTraces.file(name));
    }

    private static int checkEvery(int steps) {
        return Math.max(1, steps / CHECKS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"automerge-paper", "rustcode", "sveltecomponent", "friendsforever_flat",
            "clownschool_flat", "egwalker"})
    void sequentialTraceReproducesEndContentLocallyRemotelyAndFromState(String name) throws Exception {
        Trace trace = load(name);
        WeftSequentialReplay.Result r = WeftSequentialReplay.run(trace, checkEvery(trace.patchCount()));
        assertThat(r.textA()).as("local replica A").isEqualTo(trace.endContent());
        assertThat(r.textB()).as("replica B after the one-by-one updates").isEqualTo(trace.endContent());
        assertThat(r.textC()).as("replica C loaded from A's encoded state").isEqualTo(trace.endContent());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"friendsforever", "clownschool"})
    void concurrentTraceConvergesOnEveryReplicaToEndContent(String name) throws Exception {
        Trace trace = load(name);
        WeftConcurrentReplay.Result r = WeftConcurrentReplay.run(trace, checkEvery(trace.txns().size()));
        assertThat(r.firstDivergence()).as("first divergence").isNull();
        assertThat(r.converged()).isTrue();
        assertThat(r.agents()).isEqualTo(trace.numAgents());
        assertThat(r.mergedText()).isEqualTo(trace.endContent());
        assertThat(r.loadedText()).isEqualTo(trace.endContent());
    }

    @Test
    void gitMakefileConvergesOnEveryReplicaToTheExpectedLength() throws Exception {
        Trace trace = load("git-makefile");
        WeftConcurrentReplay.Result r = WeftConcurrentReplay.run(trace, checkEvery(trace.txns().size()));
        assertThat(r.firstDivergence()).as("first divergence").isNull();
        assertThat(r.converged()).isTrue();
        assertThat(r.mergedText()).hasSize(113_676);
        assertThat(r.loadedText()).isEqualTo(r.mergedText());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"automerge-paper", "friendsforever"})
    void encodedStateOfTheFinalDocumentLoadsIntoAFreshReplicaWithEqualText(String name) throws Exception {
        Trace trace = load(name);
        byte[] state = trace.kind() == Trace.Kind.SEQUENTIAL
                ? WeftSequentialReplay.run(trace, 0).state()
                : WeftConcurrentReplay.run(trace, 0).state();
        TextDocument fresh = new TextDocument(99);
        fresh.applyUpdate(state);
        fresh.checkInvariants();
        assertThat(fresh.getText()).isEqualTo(trace.endContent());
        assertThat(fresh.hasPendingUpdates()).isFalse();
        // Loading the same state twice changes nothing (updates are idempotent).
        fresh.applyUpdate(state);
        fresh.checkInvariants();
        assertThat(fresh.getText()).isEqualTo(trace.endContent());
    }

    @Test
    void concurrentReplaySyncsByDiffFromAnUnchangedAuthorElseByKeptUpdates() throws Exception {
        // Agent 0 types "ab" then "c"; agent 1 edits from txn 0 (agent 0 has moved on: kept updates), then merges
        // txn 1 (agent 0 has not moved on since: one diff from agent 0's replica). Diff threshold 0: diff when possible.
        String json = """
                {"kind": "concurrent", "endContent": "Xabc!", "numAgents": 2,
                 "txns": [{"parents": [], "agent": 0, "patches": [[0, 0, "ab"]]},
                          {"parents": [0], "agent": 0, "patches": [[2, 0, "c"]]},
                          {"parents": [0], "agent": 1, "patches": [[0, 0, "X"]]},
                          {"parents": [2, 1], "agent": 1, "patches": [[4, 0, "!"]]}]}""";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
            gz.write(json.getBytes(StandardCharsets.UTF_8));
        }
        Trace trace = TraceReader.read(new ByteArrayInputStream(bytes.toByteArray()), "diamond");
        WeftConcurrentReplay.Result r = WeftConcurrentReplay.run(trace, 1, 0);
        assertThat(r.firstDivergence()).isNull();
        assertThat(r.converged()).isTrue();
        assertThat(r.mergedText()).isEqualTo("Xabc!");
        assertThat(r.agents()).isEqualTo(2);
        assertThat(r.syncApplies()).as("kept updates applied (txn 0 for agent 1)").isEqualTo(1);
        assertThat(r.syncDiffs()).as("diffs applied (agent 0's replica at txn 1)").isEqualTo(1);
        // With the default threshold nobody is far enough behind for a diff: kept updates only, same result.
        WeftConcurrentReplay.Result updatesOnly = WeftConcurrentReplay.run(trace, 1);
        assertThat(updatesOnly.mergedText()).isEqualTo("Xabc!");
        assertThat(updatesOnly.syncDiffs()).isZero();
        assertThat(updatesOnly.syncApplies()).isEqualTo(2);
    }
}

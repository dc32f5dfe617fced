package dev.weft.bench.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.bench.TestTraces;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Smoke test of the Node anchors on tiny traces: the Yjs anchor ({@code bench/anchors/yjs-replay.mjs}: same JSON
 * fields as the Java tool, exit codes, one-line errors) and the peers ({@code bench/anchors/peer-replay.mjs}:
 * diamond-types-node, loro-crdt, @automerge/automerge replay; Loro merge). Skipped, saying so, when node or the
 * npm install is missing ({@code .ci/setup.d/20-bench-node.sh} installs it on CI).
 */
class NodeAnchorsSmokeTest {

    private static final Path ANCHORS = Path.of("anchors").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void needsNodeAndAnchors() {
        for (String pkg : new String[] {"yjs", "diamond-types-node", "loro-crdt", "@automerge/automerge"}) {
            assumeTrue(Files.isDirectory(ANCHORS.resolve("node_modules").resolve(pkg)), "bench/anchors/node_modules/"
                    + pkg + " is absent (run npm ci in bench/anchors): Node anchors smoke test skipped");
        }
    }

    /** Two agents, one merge txn, no concurrent inserts at the same place: any correct CRDT gives "Xabc!". */
    private Path concurrentTrace() throws IOException {
        return TestTraces.gzip(tmp.resolve("conc.json.gz"), """
                {"kind": "concurrent", "endContent": "Xabc!", "numAgents": 2,
                 "txns": [{"parents": [], "agent": 0, "patches": [[0, 0, "ab"]]},
                          {"parents": [0], "agent": 0, "patches": [[2, 0, "c"]]},
                          {"parents": [0], "agent": 1, "patches": [[0, 0, "X"]]},
                          {"parents": [2, 1], "agent": 1, "patches": [[4, 0, "!"]]}]}""");
    }

    private Result node(String... args) throws IOException, InterruptedException {
        return script("yjs-replay.mjs", args);
    }

    private Result script(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", "--expose-gc", ANCHORS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, "node is not on PATH: Node anchors smoke test skipped");
            throw e;
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void replaysASequentialTraceWithTheSameFieldsAsWeftBench() throws Exception {
        // "a😀b" then an insert after the emoji: exercises the code-point conversion on the Node side too.
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), """
                {"endContent": "a😀xb", "txns": [{"patches": [[0, 0, "ab"]]}, {"patches": [[1, 0, "😀"]]},
                 {"patches": [[2, 0, "x"]]}]}""");
        Result r = node("replay", "--runs", "1", "--warmup", "0", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        for (String field : new String[] {"trace", "patches", "finalLength", "matchesEndContent", "replayMs",
                "remoteApplyMs", "loadMs", "encodedBytes", "retainedHeapBytes"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("trace").getAsString()).isEqualTo("tiny");
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        assertThat(json.get("finalLength").getAsInt()).isEqualTo(5);
    }

    @Test
    void mergesAConcurrentTraceAndReportsConvergence() throws Exception {
        Path f = concurrentTrace();
        Result r = node("merge", "--runs", "1", "--warmup", "0", "--diff-threshold", "0", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("converged").getAsBoolean()).isTrue();
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        // Same sync plan as WeftConcurrentReplay: txn 0 as a kept update, txn 1 as a diff from agent 0's doc.
        assertThat(json.get("syncApplies").getAsInt()).isEqualTo(1);
        assertThat(json.get("syncDiffs").getAsInt()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dt", "loro", "automerge"})
    void eachPeerReplaysASequentialTraceWithASupplementaryCharacter(String system) throws Exception {
        // dt takes code-point positions, Loro and Automerge UTF-16 ones: the emoji makes the two differ.
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), """
                {"endContent": "a😀xc", "txns": [{"patches": [[0, 0, "ab"]]}, {"patches": [[1, 0, "😀"]]},
                 {"patches": [[2, 1, "xc"]]}]}""");
        Result r = script("peer-replay.mjs", "replay", "--system", system, "--runs", "1", "--warmup", "0", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("tool").getAsString()).isEqualTo(system);
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        assertThat(json.get("loadMatches").getAsBoolean()).isTrue();
        assertThat(json.get("encodedBytes").getAsInt()).isPositive();
        for (String field : new String[] {"replayMs", "encodeMs", "loadMs", "retainedHeapBytes", "runtime"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
    }

    @Test
    void loroMergesAConcurrentTraceAndAWrongPeerIsRefused() throws Exception {
        Path f = concurrentTrace();
        Result r = script("peer-replay.mjs", "merge", "--system", "loro", "--runs", "1", "--warmup", "0", f.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        JsonObject json = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(json.get("converged").getAsBoolean()).isTrue();
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        r = script("peer-replay.mjs", "replay", "--system", "nope", f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--system must be one of dt, loro, automerge");
    }

    @Test
    void wrongResultExitsOne() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("wrong.json.gz"), """
                {"endContent": "nope", "txns": [{"patches": [[0, 0, "ab"]]}]}""");
        Result r = node("replay", "--runs", "1", "--warmup", "0", "--no-heap", f.toString());
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void nonGzipAndNonJsonInputsExitTwoWithOneLine() throws Exception {
        Path plain = Files.writeString(tmp.resolve("plain.json.gz"), "{}");
        Result r = node("replay", plain.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).contains("not gzip-compressed");
        Path text = TestTraces.gzip(tmp.resolve("text.json.gz"), "hello");
        r = node("merge", text.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("not valid JSON");
    }
}

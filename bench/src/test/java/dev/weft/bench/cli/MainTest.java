package dev.weft.bench.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.bench.TestTraces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: exit codes, one-line errors on stderr, one JSON line on stdout. */
class MainTest {

    private static final String TINY = """
            {"endContent": "hello world", "txns": [{"patches": [[0, 0, "hello"]]},
             {"patches": [[5, 0, " wrld"], [7, 0, "o"]]}, {"patches": [[2, 1, "l"]]}]}""";

    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    /** {@code mode} on {@code trace} exits with BAD_INPUT, prints nothing and one line of error. */
    private void assertBadInputWithOneLine(String mode, Path trace) {
        assertThat(run(mode, trace.toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(out).isEmpty();
        assertThat(err.lines()).hasSize(1);
    }

    @Test
    void nonGzipFileExitsNonZeroWithOneClearLine() throws Exception {
        Path f = Files.writeString(tmp.resolve("x.json.gz"), "{\"txns\": []}");
        assertBadInputWithOneLine("replay", f);
        assertThat(err).startsWith("weft-bench: " + f + ": not gzip-compressed");
    }

    @Test
    void gzipOfNonJsonExitsNonZeroWithOneClearLine() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("y.json.gz"), "this is not json");
        assertBadInputWithOneLine("merge", f);
        assertThat(err).contains("gzip content is not valid JSON");
    }

    @Test
    void jsonThatIsNotATraceExitsNonZero() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("z.json.gz"), "{\"name\": \"package.json\"}");
        assertThat(run("floor", f.toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("not an editing trace");
    }

    @Test
    void missingFileExitsNonZero() {
        assertThat(run("replay", tmp.resolve("nope.json.gz").toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("no such file");
    }

    @Test
    void badCommandLinePrintsUsage() {
        assertThat(run("replai", "x")).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("unknown command 'replai'").contains("usage:");
        assertThat(run("replay")).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("missing trace file");
        assertThat(run("replay", "--runs", "0", "x")).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("--runs must be >= 1");
    }

    @Test
    void wrongModeForTheTraceKindIsRefused() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), TINY);
        assertThat(run("merge", f.toString())).isEqualTo(Main.BAD_INPUT);
        assertThat(err).contains("sequential trace; use 'replay'");
    }

    @Test
    void floorPrintsOneJsonLineAndExitsZeroWhenCorrect() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), TINY);
        assertThat(run("floor", "--runs", "1", "--warmup", "0", f.toString())).isEqualTo(Main.OK);
        assertThat(out.lines()).hasSize(1);
        JsonObject json = JsonParser.parseString(out).getAsJsonObject();
        assertThat(json.get("trace").getAsString()).isEqualTo("tiny");
        assertThat(json.get("patches").getAsInt()).isEqualTo(4);
        assertThat(json.get("finalLength").getAsInt()).isEqualTo(11);
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        assertThat(json.has("replayMs")).isTrue();
    }

    @Test
    void floorExitsOneWhenTheResultDiffersFromEndContent() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("bad.json.gz"), TINY.replace("hello world", "hello there"));
        assertThat(run("floor", "--no-heap", "--runs", "1", "--warmup", "0", f.toString()))
                .isEqualTo(Main.WRONG_RESULT);
        assertThat(JsonParser.parseString(out).getAsJsonObject().get("matchesEndContent").getAsBoolean()).isFalse();
    }

    @Test
    void expectLengthReplacesTheEndContentComparison() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("len.json.gz"), TINY.replace("hello world", "other text!"));
        assertThat(run("floor", "--no-heap", "--expect-length", "11", "--runs", "1", f.toString())).isEqualTo(Main.OK);
        assertThat(run("floor", "--no-heap", "--expect-length", "12", "--runs", "1", f.toString()))
                .isEqualTo(Main.WRONG_RESULT);
    }

    @Test
    void replayReportsEveryRequiredField() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), TINY);
        assertThat(run("replay", "--runs", "1", "--warmup", "0", f.toString())).as(err).isEqualTo(Main.OK);
        JsonObject json = JsonParser.parseString(out).getAsJsonObject();
        for (String field : new String[] {"trace", "patches", "finalLength", "matchesEndContent", "replayMs",
                "remoteApplyMs", "loadMs", "encodedBytes", "retainedHeapBytes"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("matchesEndContent").getAsBoolean()).isTrue();
        assertThat(json.get("encodedBytes").getAsInt()).isPositive();
    }

    @Test
    void perRunPrintsEveryRunsPhaseTimesWarmUpsFirstAndTheLastRunsAllocation() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("tiny.json.gz"), TINY);
        assertThat(run("replay", "--no-heap", "--runs", "3", "--warmup", "2", "--per-run", f.toString()))
                .as(err).isEqualTo(Main.OK);
        JsonObject json = JsonParser.parseString(out).getAsJsonObject();
        JsonObject perRun = json.getAsJsonObject("perRunMs");
        for (String phase : new String[] {"replay", "replayNoUpdate", "remoteApply"}) {
            assertThat(perRun.getAsJsonArray(phase)).as(phase).hasSize(5);
        }
        JsonObject bytes = json.getAsJsonObject("allocatedBytes");
        // HotSpot counts per-thread allocation; every phase allocates at least its fresh replica's edits
        assertThat(bytes.get("replay").getAsLong()).isPositive();
        assertThat(bytes.get("remoteApply").getAsLong()).isPositive();

        assertThat(run("replay", "--no-heap", "--runs", "1", "--warmup", "0", f.toString())).isEqualTo(Main.OK);
        assertThat(JsonParser.parseString(out).getAsJsonObject().has("perRunMs")).isFalse();
    }

    @Test
    void mergeReportsConvergence() throws Exception {
        Path f = TestTraces.gzip(tmp.resolve("conc.json.gz"), """
                {"kind": "concurrent", "endContent": "ab", "numAgents": 2,
                 "txns": [{"parents": [], "agent": 0, "patches": [[0, 0, "a"]]},
                          {"parents": [0], "agent": 1, "patches": [[1, 0, "b"]]}]}""");
        assertThat(run("merge", "--runs", "1", "--warmup", "0", f.toString())).as(err).isEqualTo(Main.OK);
        JsonObject json = JsonParser.parseString(out).getAsJsonObject();
        assertThat(json.get("converged").getAsBoolean()).isTrue();
        assertThat(json.has("mergeMs")).isTrue();
    }
}

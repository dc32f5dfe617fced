package dev.weft.bench.trace;

import dev.weft.bench.TestTraces;
import dev.weft.bench.replay.FloorReplay;
import dev.weft.bench.trace.TraceFormatException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceReaderTest {

    @TempDir
    Path tmp;

    private static byte[] gz(String json) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static Trace read(String json) throws TraceFormatException, IOException {
        return TraceReader.read(new ByteArrayInputStream(gz(json)), "t");
    }

    private static TraceFormatException failure(byte[] bytes) {
        try {
            TraceReader.read(new ByteArrayInputStream(bytes), "t");
        } catch (TraceFormatException e) {
            return e;
        }
        throw new AssertionError("expected a TraceFormatException");
    }

    @Test
    void sequentialTraceGetsChainedParentsAndUnknownFieldsAreSkipped() throws Exception {
        Trace t = read("""
                {"startContent": "", "endContent": "hi!", "extra": {"x": [1, 2]},
                 "txns": [{"time": "2020", "patches": [[0, 0, "hx"], [1, 1, "i"]]},
                          {"timestamp": "2021", "patches": [[2, 0, "!"]]}]}""");
        assertThat(t.kind()).isEqualTo(Trace.Kind.SEQUENTIAL);
        assertThat(t.patchCount()).isEqualTo(3);
        assertThat(t.txns().get(0).parents()).isEmpty();
        assertThat(t.txns().get(1).parents()).containsExactly(0);
        assertThat(t.txns().get(0).patches().get(1)).isEqualTo(new Patch(1, 1, "i"));
        assertThat(FloorReplay.run(t).text()).isEqualTo("hi!");
    }

    @Test
    void concurrentTraceKeepsParentsAndAgents() throws Exception {
        Trace t = read("""
                {"kind": "concurrent", "endContent": "ab", "numAgents": 2,
                 "txns": [{"parents": [], "numChildren": 2, "agent": 0, "patches": [[0, 0, "a"]]},
                          {"parents": [0], "numChildren": 0, "agent": 1, "patches": [[1, 0, "b"]]}]}""");
        assertThat(t.kind()).isEqualTo(Trace.Kind.CONCURRENT);
        assertThat(t.numAgents()).isEqualTo(2);
        assertThat(t.txns().get(1).parents()).containsExactly(0);
        assertThat(t.txns().get(1).agent()).isEqualTo(1);
        assertThat(t.mergeTxnCount()).isZero();
    }

    @Test
    void codePointPositionsAfterSupplementaryCharactersBecomeUtf16Offsets() throws Exception {
        // "a😀b" has 3 code points and 4 UTF-16 units; inserting at code point 2 means after the emoji (offset 3).
        Trace t = read("""
                {"endContent": "a😀xb",
                 "txns": [{"patches": [[0, 0, "ab"], [1, 0, "😀"], [2, 0, "x"], [4, 0, "c"], [4, 1, ""]]}]}""");
        assertThat(t.txns().get(0).patches()).containsExactly(
                new Patch(0, 0, "ab"), new Patch(1, 0, "😀"), new Patch(3, 0, "x"), new Patch(5, 0, "c"),
                new Patch(5, 1, ""));
        assertThat(FloorReplay.run(t).text()).isEqualTo("a😀xb");
    }

    @Test
    void deletingASupplementaryCharacterDeletesBothUtf16Units() throws Exception {
        Trace t = read("""
                {"endContent": "a🎉z",
                 "txns": [{"patches": [[0, 0, "a😀🎉b"], [1, 1, ""], [2, 1, "z"]]}]}""");
        assertThat(t.txns().get(0).patches().get(1)).isEqualTo(new Patch(1, 2, ""));
        assertThat(t.txns().get(0).patches().get(2)).isEqualTo(new Patch(3, 1, "z"));
        assertThat(FloorReplay.run(t).text()).isEqualTo("a🎉z");
    }

    @Test
    void notGzipIsRefusedNamingTheFirstBytes() {
        TraceFormatException e = failure("{\"txns\": []}".getBytes(StandardCharsets.UTF_8));
        assertThat(e.problem()).isEqualTo(Problem.NOT_GZIP);
        assertThat(e.getMessage()).contains("not gzip-compressed").contains("7b 22");
    }

    @Test
    void emptyFileIsNotGzip() {
        TraceFormatException e = failure(new byte[0]);
        assertThat(e.problem()).isEqualTo(Problem.NOT_GZIP);
        assertThat(e.getMessage()).contains("empty");
    }

    @Test
    void truncatedGzipIsReportedAsGzipProblem() throws Exception {
        byte[] whole = gz("{\"endContent\": \"" + "x".repeat(5000) + "\", \"txns\": []}");
        TraceFormatException e = failure(Arrays.copyOf(whole, whole.length / 2));
        assertThat(e.problem()).isEqualTo(Problem.NOT_GZIP);
        assertThat(e.getMessage()).contains("truncated");
    }

    @Test
    void gzipOfTextThatIsNotJsonIsRefused() throws Exception {
        TraceFormatException e = failure(gz("hello, world"));
        assertThat(e.problem()).isEqualTo(Problem.NOT_JSON);
        assertThat(e.getMessage()).startsWith("gzip content is not valid JSON").doesNotContain("\n");
    }

    @Test
    void truncatedJsonIsNotJson() throws Exception {
        TraceFormatException e = failure(gz("{\"endContent\": \"x\", \"txns\": [{\"patches\": [[0, 0"));
        assertThat(e.problem()).isEqualTo(Problem.NOT_JSON);
    }

    @Test
    void trailingGarbageIsNotJson() throws Exception {
        assertThat(failure(gz("{\"endContent\": \"\", \"txns\": []} {}")).problem()).isEqualTo(Problem.NOT_JSON);
    }

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "/dev/weft/bench/trace/not-a-trace.csv", delimiter = '|', quoteCharacter = '\'')
    void validJsonThatIsNotATraceIsRefusedNamingTheSpot(String scenario, String json, String expected) throws Exception {
        TraceFormatException e = failure(gz(json));
        assertThat(e.problem()).as(scenario).isEqualTo(Problem.NOT_A_TRACE);
        assertThat(e.getMessage()).as(scenario).startsWith("not an editing trace").contains(expected);
    }

    @Test
    void supplementaryCharactersInAConcurrentTraceAreUnsupported() throws Exception {
        TraceFormatException e = failure(gz("""
                {"kind": "concurrent", "endContent": "", "numAgents": 1,
                 "txns": [{"parents": [], "agent": 0, "patches": [[0, 0, "😀"]]}]}"""));
        assertThat(e.problem()).isEqualTo(Problem.UNSUPPORTED);
    }

    @Test
    void fileErrorsNameTheFile() throws Exception {
        Path missing = tmp.resolve("missing.json.gz");
        assertThatThrownBy(() -> TraceReader.read(missing))
                .isInstanceOf(TraceFormatException.class).hasMessageContaining("missing.json.gz: no such file");
        Path plain = Files.writeString(tmp.resolve("plain.json.gz"), "{}");
        assertThatThrownBy(() -> TraceReader.read(plain))
                .hasMessageStartingWith(plain + ": not gzip-compressed");
    }

    @Test
    void nameDropsTheExtensions() {
        assertThat(TraceReader.nameOf(Path.of("/x/automerge-paper.json.gz"))).isEqualTo("automerge-paper");
        assertThat(TraceReader.nameOf(Path.of("a.gz"))).isEqualTo("a");
    }

    /** Counts from shared/traces/README.md, and the StringBuilder floor reproducing every sequential endContent. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "automerge-paper,     SEQUENTIAL, 259778, 259778, 104852, 1,   0",
            "rustcode,            SEQUENTIAL, 36981,  40173,  65218,  1,   0",
            "sveltecomponent,     SEQUENTIAL, 18335,  19749,  18451,  1,   0",
            "friendsforever_flat, SEQUENTIAL, 26078,  26078,  21362,  1,   0",
            "clownschool_flat,    SEQUENTIAL, 23136,  23182,  21148,  1,   0",
            "egwalker,            SEQUENTIAL, 513072, 517599, 122271, 1,   0",
            "friendsforever,      CONCURRENT, 26078,  26078,  21362,  2,   2258",
            "clownschool,         CONCURRENT, 23136,  23182,  21148,  3,   3628",
            "git-makefile,        CONCURRENT, 1612,   15957,  113676, 375, 766",
    })
    void sharedTraceMatchesItsPublishedCounts(String name, Trace.Kind kind, int txns, int patches, int length,
                                               int agents, int merges) throws Exception {
        Trace t = TraceReader.read(TestTraces.file(name));
        assertThat(t.name()).isEqualTo(name);
        assertThat(t.kind()).isEqualTo(kind);
        assertThat(t.txns()).hasSize(txns);
        assertThat(t.patchCount()).isEqualTo(patches);
        assertThat(t.endContent()).hasSize(length);
        assertThat(t.numAgents()).isEqualTo(agents);
        assertThat(t.mergeTxnCount()).isEqualTo(merges);
        if (kind == Trace.Kind.SEQUENTIAL) {
            assertThat(FloorReplay.run(t).text()).isEqualTo(t.endContent());
        }
    }
}

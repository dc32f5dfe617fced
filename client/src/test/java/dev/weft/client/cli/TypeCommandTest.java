package dev.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.TextDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TypeCommandTest {
    @TempDir
    Path tmp;

    /** Replays {@code trace} as weft type does and ships every edit's update to a second replica. */
    private static void replayAndCheck(SequentialTrace trace, String expected) {
        TextDocument local = new TextDocument(1);
        TextDocument remote = new TextDocument(2);
        for (SequentialTrace.Patch p : trace.patches()) {
            for (LocalEdit e : TypeCommand.apply(local, p)) {
                remote.applyUpdate(e.update());
            }
        }
        assertThat(local.getText()).isEqualTo(expected);
        assertThat(remote.getText()).isEqualTo(expected);
        remote.checkInvariants();
    }

    @Test
    void replacePatchesSendBothTheDeleteAndTheInsert() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Path file = tmp.resolve("t" + seed + ".json.gz");
            String expected = WeftCliTest.writeTrace(file, seed, 500);
            SequentialTrace trace = SequentialTrace.read(file);
            assertThat(trace.endContent()).as("seed %d", seed).isEqualTo(expected);
            replayAndCheck(trace, expected);
        }
    }

    @Test
    void realSequentialTraceReplaysToItsEndContent() {
        String dir = System.getProperty("weft.traces");
        Path file = dir == null ? null : Path.of(dir, "sveltecomponent.json.gz");
        Assumptions.assumeTrue(file != null && Files.isRegularFile(file), "shared traces not available");
        SequentialTrace trace = SequentialTrace.read(file);
        assertThat(trace.patches()).hasSize(19_749);
        replayAndCheck(trace, trace.endContent());
    }

    @Test
    void positionsBeyondTheTextAreClamped() {
        TextDocument d = new TextDocument(1);
        d.insert(0, "abc");
        TypeCommand.apply(d, new SequentialTrace.Patch(10, 5, "Z"));
        assertThat(d.getText()).isEqualTo("abcZ");
        TypeCommand.apply(d, new SequentialTrace.Patch(2, 99, ""));
        assertThat(d.getText()).isEqualTo("ab");
    }

    @Test
    void rangesThatWouldSplitASurrogatePairAreWidenedToWholePairs() {
        TextDocument d = new TextDocument(1);
        d.insert(0, "a😀b😀c"); // a, \ud83d, \ude00, b, \ud83d, \ude00, c
        TypeCommand.apply(d, new SequentialTrace.Patch(2, 3, "")); // [2,5) cuts both pairs
        assertThat(d.getText()).isEqualTo("ac");
        d.insert(1, "😀");
        TypeCommand.apply(d, new SequentialTrace.Patch(2, 0, "x")); // inside the pair: goes before it
        assertThat(d.getText()).isEqualTo("ax😀c");
        d.checkInvariants();
    }

    @Test
    void concurrentTraceIsRefusedWithItsKind() throws Exception {
        Path file = tmp.resolve("c.json");
        Files.writeString(file, "{\"kind\":\"concurrent\",\"txns\":[]}");
        assertThatThrownBy(() -> SequentialTrace.read(file)).isInstanceOf(BadTraceException.class)
                .hasMessageContaining("'concurrent'");
    }

    @Test
    void truncatedGzipIsABadTrace() throws Exception {
        Path good = tmp.resolve("g.json.gz");
        WeftCliTest.writeTrace(good, 1, 200);
        byte[] bytes = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.json.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> SequentialTrace.read(cut)).isInstanceOf(BadTraceException.class)
                .hasMessageContaining("not a valid JSON trace").hasMessageNotContaining("\n");
    }
}

package dev.weft.crdt.core;

import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.TextDocument;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TraceReplayTest {

    private static Path trace(String name) {
        Path p = Traces.dir().resolve(name + ".json.gz");
        Assumptions.assumeTrue(Files.exists(p), "trace " + p + " absent: skipped");
        return p;
    }

    @Test
    void automergePaperReplaysLocallyRemotelyAndFromSnapshot() throws Exception {
        Map<String, Object> t = Traces.load(trace("automerge-paper"));
        TextDocument a = new TextDocument(1);
        List<byte[]> ups = Traces.replayLocally(a, Traces.patches(t));
        a.checkInvariants();
        assertThat(a.getText()).isEqualTo(t.get("endContent"));
        TextDocument b = Traces.merged(2, ups);
        b.checkInvariants();
        assertThat(b.getText()).isEqualTo(t.get("endContent"));
        TextDocument c = new TextDocument(3);
        c.applyUpdate(a.encodeStateAsUpdate());
        c.checkInvariants();
        assertThat(c.getText()).isEqualTo(t.get("endContent"));
        assertThat(c.version()).isEqualTo(a.version());
    }

    @Test
    void concurrentTracesConvergeToEndContent() throws Exception {
        for (String name : List.of("friendsforever", "clownschool")) {
            Map<String, Object> t = Traces.load(trace(name));
            List<byte[]> all = new ArrayList<>();
            TextDocument[] docs = Traces.replayConcurrent(t, all);
            TextDocument m = Traces.merged(77, all);
            m.checkInvariants();
            assertThat(m.getText()).as(name).isEqualTo(t.get("endContent"));
            for (TextDocument d : docs) {
                d.applyUpdate(m.encodeDiff(d.version()));
                assertThat(d.getText()).as(name).isEqualTo(t.get("endContent"));
            }
        }
    }

    /** Slow: replaying 375 agents' replicas costs millions of small applies. */
    @Test
    @Tag("slow")
    void gitMakefileConverges() throws Exception {
        Map<String, Object> t = Traces.load(trace("git-makefile"));
        List<byte[]> all = new ArrayList<>();
        TextDocument[] docs = Traces.replayConcurrent(t, all);
        TextDocument m = Traces.merged(77, all);
        m.checkInvariants();
        assertThat(m.length()).isEqualTo(113_676);
        TextDocument r = new TextDocument(78);
        for (int i = all.size() - 1; i >= 0; i--) {
            r.applyUpdate(all.get(i));
        }
        r.checkInvariants();
        assertThat(r.getText()).isEqualTo(m.getText());
        for (TextDocument d : docs) {
            d.applyUpdate(m.encodeDiff(d.version()));
            assertThat(d.getText()).isEqualTo(m.getText());
        }
    }
}

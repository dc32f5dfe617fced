package dev.weft.client.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomJournalTest {
    @TempDir
    Path tmp;

    @Test
    void defaultDataDirHonoursWeftDataDirThenXdgThenHomeBeforeUserHome() {
        assertThat(Journal.defaultDataDir(Map.of("WEFT_DATA_DIR", "/d", "XDG_DATA_HOME", "/x", "HOME", "/h"), "/u"))
                .isEqualTo(Path.of("/d"));
        assertThat(Journal.defaultDataDir(Map.of("XDG_DATA_HOME", "/x", "HOME", "/h"), "/u"))
                .isEqualTo(Path.of("/x/weft"));
        assertThat(Journal.defaultDataDir(Map.of("HOME", "/h"), "/u")).isEqualTo(Path.of("/h/.local/share/weft"));
        assertThat(Journal.defaultDataDir(Map.of(), "/u")).isEqualTo(Path.of("/u/.local/share/weft"));
    }

    @Test
    void secondReplicaInTheSameRoomGetsItsOwnSlotNotTheFirstOnesJournal() throws Exception {
        Journal j = new Journal(tmp);
        try (RoomJournal first = j.openRoom("r1")) {
            first.save("same.md", new Journal.Entry(7, 3, new byte[] {1}));
            try (RoomJournal second = j.openRoom("r1")) {
                assertThat(second.slot()).isEqualTo(1);
                assertThat(second.load("same.md")).isEmpty();
                assertThat(second.documents()).isEmpty();
                second.save("same.md", new Journal.Entry(8, 0, new byte[] {2}));
            }
            assertThat(first.load("same.md").orElseThrow().agent()).isEqualTo(7);
        }
        // Both released: the next process adopts slot 0 and its journal.
        try (RoomJournal again = j.openRoom("r1")) {
            assertThat(again.slot()).isZero();
            assertThat(again.load("same.md").orElseThrow().agent()).isEqualTo(7);
        }
    }

    @Test
    void aRunningProcessHoldsItsSlotAndACrashedProcessesJournalIsAdoptedNextStart() throws Exception {
        Process p = startHolder(tmp, "r1", "notes.md", 4242);
        try {
            assertThat(readLine(p)).isEqualTo("SLOT 0");
            // While it runs, its journal (agent 4242) is never adopted.
            try (RoomJournal mine = new Journal(tmp).openRoom("r1")) {
                assertThat(mine.slot()).isEqualTo(1);
                assertThat(mine.load("notes.md")).isEmpty();
            }
        } finally {
            p.destroyForcibly(); // SIGKILL: no clean release, the OS drops the lock
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (RoomJournal mine = new Journal(tmp).openRoom("r1")) {
            assertThat(mine.slot()).isZero();
            Journal.Entry e = mine.load("notes.md").orElseThrow();
            assertThat(e.agent()).isEqualTo(4242);
            assertThat(e.state()).containsExactly(42);
        }
    }

    @Test
    void concurrentSavesOfOneDocumentNeverShareATempFile() throws Exception {
        try (RoomJournal rj = new Journal(tmp).openRoom("r1")) {
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 4; t++) {
                long agent = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            rj.save("same.md", new Journal.Entry(agent, i, new byte[100]));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(failures).isEmpty();
            assertThat(rj.load("same.md")).isPresent();
            try (Stream<Path> s = Files.list(rj.dir())) {
                assertThat(s.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".tmp"))).isEmpty();
            }
        }
    }

    @Test
    void aThreeHundredCharacterNameIsSavedUnderABoundedHashedFileName() throws Exception {
        String longName = "dir/" + "é".repeat(150) + "x".repeat(143) + ".md";
        assertThat(longName).hasSize(300);
        try (RoomJournal rj = new Journal(tmp).openRoom("r1")) {
            rj.save(longName, new Journal.Entry(5, 1, new byte[] {9}));
            rj.save("short.md", new Journal.Entry(6, 1, new byte[] {8}));
            assertThat(rj.load(longName).orElseThrow().state()).containsExactly(9);
            assertThat(rj.documents()).containsExactlyInAnyOrder(longName, "short.md");
            try (Stream<Path> s = Files.list(rj.dir())) {
                for (Path f : s.toList()) {
                    assertThat(f.getFileName().toString().getBytes(StandardCharsets.UTF_8).length)
                            .isLessThanOrEqualTo(JournalFileNames.MAX_FILE_NAME_BYTES);
                }
            }
        }
    }

    @Test
    void corruptJournalEntryIsReportedNotTrusted() throws Exception {
        try (RoomJournal rj = new Journal(tmp).openRoom("r1")) {
            rj.save("a/b.txt", new Journal.Entry(7, 3, new byte[] {1, 2, 3}));
            Journal.Entry e = rj.load("a/b.txt").orElseThrow();
            assertThat(e.agent()).isEqualTo(7);
            assertThat(e.ackedSeq()).isEqualTo(3);
            assertThat(e.state()).containsExactly(1, 2, 3);
            Files.write(tmp.resolve("rooms/r1/a%2Fb.txt.weft"), new byte[] {'W', 'E', 'F', 'T', 'J', '2', 0, 0});
            assertThatThrownBy(() -> rj.load("a/b.txt")).isInstanceOf(Journal.CorruptJournalException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void journalWrittenBeforeSlotsIsStillRead() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("rooms/r1"));
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(b)) {
            out.write("WEFTJ1".getBytes(StandardCharsets.US_ASCII));
            out.writeLong(11);
            out.writeLong(2);
            out.writeInt(1);
            out.write(5);
        }
        Files.write(dir.resolve("old.md.weft"), b.toByteArray());
        try (RoomJournal rj = new Journal(tmp).openRoom("r1")) {
            assertThat(rj.documents()).containsExactly("old.md");
            assertThat(rj.load("old.md").orElseThrow().agent()).isEqualTo(11);
        }
    }

    static Process startHolder(Path dataDir, String room, String doc, long agent) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                JournalHolder.class.getName(), dataDir.toString(), room, doc, Long.toString(agent))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static String readLine(Process p) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return r.readLine();
    }
}

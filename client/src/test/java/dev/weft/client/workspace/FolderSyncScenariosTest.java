package dev.weft.client.workspace;

import dev.weft.relay.testing.RelayExtension;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RoomApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two in-process folder peers on a real relay process: the concurrent cases of docs/workspace.md. */
class FolderSyncScenariosTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    static InviteLink newRoom() {
        return newRoomOn(relay);
    }

    static InviteLink newRoomOn(RelayExtension relay) {
        RoomCredentials c = new RoomApi(relay.uri()).createRoom();
        return new InviteLink(relay.uri(), c.room(), c.secret());
    }

    /** Starts A on {@code a} (shares it), then B on {@code b}; both settled. */
    static FolderPeer[] pair(String name) throws Exception {
        InviteLink link = newRoom();
        Path a = Files.createDirectories(tmp.resolve(name + "-a"));
        Path b = Files.createDirectories(tmp.resolve(name + "-b"));
        Trees.write(a, "notes.txt", "hello\nworld\n");
        FolderPeer pa = FolderPeer.start(a, link);
        pa.workspace.settled().get(20, TimeUnit.SECONDS);
        assertThat(pa.workspace.awaitAllAcked(java.time.Duration.ofSeconds(20))).isTrue();
        FolderPeer pb = FolderPeer.start(b, link);
        pb.workspace.settled().get(20, TimeUnit.SECONDS);
        return new FolderPeer[] {pa, pb};
    }

    /** {@link #pair} with both peers then taken offline, for concurrent changes that meet when they come back. */
    static FolderPeer[] offlinePair(String name) throws Exception {
        FolderPeer[] p = pair(name);
        for (FolderPeer peer : p) {
            peer.setOnline(false);
        }
        return p;
    }

    static void awaitSame(FolderPeer a, FolderPeer b) throws InterruptedException {
        Trees.await("identical trees", 20, () -> Trees.snapshot(a.dir).equals(Trees.snapshot(b.dir)),
                () -> "A=" + Trees.snapshot(a.dir) + " B=" + Trees.snapshot(b.dir));
    }

    @Test
    void outsideEditOnOnePeerReachesTheOtherDisk() throws Exception {
        FolderPeer[] p = pair("outside-edit");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            assertThat(Files.readString(b.dir.resolve("notes.txt"))).isEqualTo("hello\nworld\n");
            Files.writeString(a.dir.resolve("notes.txt"), "hello\nbrave new\nworld\n"); // like sed -i
            Trees.await("B's disk has A's change", 10,
                    () -> readOrEmpty(b.dir.resolve("notes.txt")).equals("hello\nbrave new\nworld\n"),
                    () -> readOrEmpty(b.dir.resolve("notes.txt")));
            Trees.write(b.dir, "src/new.txt", "from B\n");
            Trees.await("A has B's new file", 10, () -> readOrEmpty(a.dir.resolve("src/new.txt")).equals("from B\n"),
                    () -> Trees.snapshot(a.dir).toString());
            awaitSame(a, b);
        }
    }

    @Test
    void renameWhileTheOtherEditsKeepsTheEditUnderTheNewName() throws Exception {
        FolderPeer[] p = pair("rename-edit");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            b.setOnline(false);
            Files.move(a.dir.resolve("notes.txt"), a.dir.resolve("renamed.txt"));
            Files.writeString(b.dir.resolve("notes.txt"), "hello\nworld\nB's line\n");
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            Trees.await("A shared the rename", 10, () -> a.workspace.files().join().containsKey("renamed.txt"),
                    () -> a.workspace.files().join().keySet().toString());
            b.setOnline(true);
            awaitSame(a, b);
            assertThat(Trees.snapshot(a.dir)).containsExactly(Map.entry("renamed.txt", "hello\nworld\nB's line\n"));
        }
    }

    @Test
    void twoConcurrentRenamesEndWithOneNameEverywhere() throws Exception {
        FolderPeer[] p = offlinePair("two-renames");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            Files.move(a.dir.resolve("notes.txt"), a.dir.resolve("by-a.txt"));
            Files.move(b.dir.resolve("notes.txt"), b.dir.resolve("by-b.txt"));
            a.workspace.sync().get(10, TimeUnit.SECONDS);
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            a.setOnline(true);
            b.setOnline(true);
            awaitSame(a, b);
            assertThat(Trees.snapshot(a.dir)).hasSize(1).containsValue("hello\nworld\n");
            assertThat(Trees.snapshot(a.dir).keySet()).containsAnyOf("by-a.txt", "by-b.txt");
        }
    }

    @Test
    void deleteWhileTheOtherEditsRestoresTheFileWithTheEdit() throws Exception {
        FolderPeer[] p = pair("delete-edit");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            b.setOnline(false);
            Files.delete(a.dir.resolve("notes.txt"));
            Files.writeString(b.dir.resolve("notes.txt"), "hello\nworld\ntyped while deleted\n");
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            Trees.await("A shared the delete", 10, () -> a.workspace.files().join().isEmpty(),
                    () -> a.workspace.files().join().keySet().toString());
            b.setOnline(true);
            awaitSame(a, b);
            assertThat(Trees.snapshot(a.dir)).containsExactly(
                    Map.entry("notes.txt", "hello\nworld\ntyped while deleted\n"));
            assertThat(b.notices).anyMatch(n -> n.contains("restored"));
        }
    }

    @Test
    void deleteWithoutConcurrentEditsDeletesEverywhere() throws Exception {
        FolderPeer[] p = pair("delete");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            Files.delete(b.dir.resolve("notes.txt"));
            Trees.await("A deleted it too", 10, () -> !Files.exists(a.dir.resolve("notes.txt")),
                    () -> Trees.snapshot(a.dir).toString());
            awaitSame(a, b);
            assertThat(Trees.snapshot(a.dir)).isEmpty();
        }
    }

    @Test
    void twoPeersCreatingTheSamePathKeepBothFiles() throws Exception {
        FolderPeer[] p = offlinePair("same-path");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            // Several conflicts at once: the engine handles files in hash order, so both orders (the winner written
            // before or after the loser moves away) occur among them.
            String[] names = {"docs/plan.md", "x.txt", "y.txt", "z/w.txt"};
            for (String n : names) {
                Trees.write(a.dir, n, "A's " + n + "\n");
                Trees.write(b.dir, n, "B's " + n + "\n");
            }
            a.workspace.sync().get(10, TimeUnit.SECONDS);
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            a.setOnline(true);
            b.setOnline(true);
            awaitSame(a, b);
            Map<String, String> tree = Trees.snapshot(a.dir);
            assertThat(tree).containsKeys("docs/plan.md", "docs/plan (2).md", "x (2).txt", "y (2).txt", "z/w (2).txt");
            for (String n : names) {
                assertThat(tree.values()).contains("A's " + n + "\n", "B's " + n + "\n");
            }
            assertThat(tree).hasSize(2 * names.length + 1);
        }
    }

    @Test
    void concurrentEditsOnDiskAndFromTheRoomBothSurvive() throws Exception {
        FolderPeer[] p = pair("merge");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            b.setOnline(false);
            Files.writeString(a.dir.resolve("notes.txt"), "HELLO\nworld\n");
            Files.writeString(b.dir.resolve("notes.txt"), "hello\nworld\nmore\n");
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            Trees.await("A's edit is in the room", 10, () -> {
                try {
                    return a.workspace.awaitAllAcked(java.time.Duration.ofMillis(100))
                            && Files.readString(a.dir.resolve("notes.txt")).startsWith("HELLO");
                } catch (Exception e) {
                    return false;
                }
            }, () -> "");
            b.setOnline(true);
            awaitSame(a, b);
            assertThat(Trees.snapshot(b.dir)).containsEntry("notes.txt", "HELLO\nworld\nmore\n");
        }
    }

    @Test
    void aRestartedPeerMergesWhatChangedOnItsDiskWhileStopped() throws Exception {
        InviteLink link = newRoom();
        Path a = Files.createDirectories(tmp.resolve("restart-a"));
        Path b = Files.createDirectories(tmp.resolve("restart-b"));
        Trees.write(a, "shared.txt", "one\ntwo\nthree\n");
        Trees.write(a, "doomed.txt", "delete me\n");
        Trees.write(a, "stays.txt", "stays\n");
        try (FolderPeer pa = FolderPeer.start(a, link)) {
            pa.workspace.settled().get(20, TimeUnit.SECONDS);
            assertThat(pa.workspace.awaitAllAcked(java.time.Duration.ofSeconds(20))).isTrue();
            try (FolderPeer pb = FolderPeer.remembering(b, link)) {
                pb.workspace.settled().get(20, TimeUnit.SECONDS);
            }
            Files.writeString(b.resolve("shared.txt"), "one\ntwo (b, offline)\nthree\n");
            Files.delete(b.resolve("doomed.txt"));
            Files.move(b.resolve("stays.txt"), b.resolve("moved.txt"));
            Trees.write(b, "new-offline.txt", "made while stopped\n");
            Files.writeString(a.resolve("shared.txt"), "one (a)\ntwo\nthree\n");
            Trees.await("A's edit is durable", 10, () -> {
                try {
                    pa.workspace.sync().get();
                    return pa.workspace.awaitAllAcked(java.time.Duration.ofMillis(200));
                } catch (Exception e) {
                    return false;
                }
            }, () -> "");
            try (FolderPeer pb = FolderPeer.remembering(b, link)) {
                pb.workspace.settled().get(20, TimeUnit.SECONDS);
                awaitSame(pa, pb);
                assertThat(Trees.snapshot(a)).containsExactly(
                        Map.entry("moved.txt", "stays\n"),
                        Map.entry("new-offline.txt", "made while stopped\n"),
                        Map.entry("shared.txt", "one (a)\ntwo (b, offline)\nthree\n"));
                assertThat(pb.notices).anyMatch(n -> n.startsWith("resuming 3 files"));
                assertThat(pa.notices).noneMatch(n -> n.contains("restored"));
            }
        }
    }

    @Test
    void aFileOpenInAnEditorIsLeftToTheEditorUntilItCloses() throws Exception {
        FolderPeer[] p = pair("editor");
        try (FolderPeer a = p[0]; FolderPeer b = p[1]) {
            EditorLease lease = b.workspace.openInEditor("notes.txt").get(10, TimeUnit.SECONDS);
            // While B's editor owns the file, A's edit reaches B's replica but not B's disk (the buffer is the truth).
            Files.writeString(a.dir.resolve("notes.txt"), "hello\nworld\nfrom A\n");
            Trees.await("B's document has A's edit", 10, () -> lease.document().call(d -> d.getText()).join()
                    .equals("hello\nworld\nfrom A\n"), () -> lease.document().call(d -> d.getText()).join());
            b.workspace.sync().get(10, TimeUnit.SECONDS);
            assertThat(Files.readString(b.dir.resolve("notes.txt"))).isEqualTo("hello\nworld\n");
            // The editor types through the lease; it reaches A's disk.
            lease.document().insert(0, "typed in B's editor\n").get(10, TimeUnit.SECONDS);
            Trees.await("A's disk has B's typing", 10, () -> readOrEmpty(a.dir.resolve("notes.txt"))
                    .equals("typed in B's editor\nhello\nworld\nfrom A\n"), () -> readOrEmpty(a.dir.resolve("notes.txt")));
            // Closing the editor: the engine mirrors the file again and writes the merged text.
            lease.close();
            awaitSame(a, b);
            assertThat(Files.readString(b.dir.resolve("notes.txt")))
                    .isEqualTo("typed in B's editor\nhello\nworld\nfrom A\n");
        }
    }

    static String readOrEmpty(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }
}

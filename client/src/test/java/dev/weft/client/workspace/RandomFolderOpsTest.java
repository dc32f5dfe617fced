package dev.weft.client.workspace;

import dev.weft.relay.testing.RelayExtension;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three folder peers on a real relay perform seeded random file operations on their disks — create, outside edit,
 * rename/move, delete, binary writes — while going offline and back; at the end every peer's tree is byte-identical,
 * and equal to what a fresh peer joining the room writes. The seed is printed on failure ({@code -Dweft.seed=N}
 * replays one).
 */
class RandomFolderOpsTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    @Test
    void threePeersRandomOperationsConverge() throws Exception {
        run(Long.getLong("weft.seed", 7_2026L), 40);
    }

    @Test
    @Tag("slow")
    void threePeersManyRandomOperationsConverge() throws Exception {
        long seed = Long.getLong("weft.seed", System.nanoTime());
        for (int i = 0; i < 5; i++) {
            run(seed + i, 250);
        }
    }

    static final String[] NAMES = {"a.txt", "b.md", "src/c.java", "src/d.txt", "docs/e.md", "docs/deep/f.txt",
            "img.png", "src/g.txt"};

    private void run(long seed, int operations) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        InviteLink link = FolderSyncScenariosTest.newRoomOn(relay);
        List<FolderPeer> peers = new ArrayList<>();
        boolean[] offline = new boolean[3];
        String label = "seed " + seed + " (replay with -Dweft.seed=" + seed + ")";
        try {
            for (int i = 0; i < 3; i++) {
                Path dir = Files.createDirectories(tmp.resolve("s" + seed + "-peer" + i));
                if (i == 0) {
                    Trees.write(dir, "a.txt", "first line\nsecond line\n");
                    Trees.write(dir, "docs/e.md", "# Title\r\nCRLF body 😀\r\n");
                }
                FolderPeer p = FolderPeer.start(dir, link);
                p.workspace.settled().get(30, TimeUnit.SECONDS);
                peers.add(p);
            }
            for (int op = 0; op < operations; op++) {
                int who = random.nextInt(3);
                FolderPeer p = peers.get(who);
                int kind = random.nextInt(100);
                if (kind < 8) {
                    offline[who] = !offline[who];
                    p.setOnline(!offline[who]);
                } else {
                    fileOperation(p.dir, random);
                }
                Thread.sleep(random.nextInt(120));
            }
            for (int i = 0; i < 3; i++) {
                peers.get(i).setOnline(true);
            }
            Trees.await("three identical trees, " + label, 60, () -> {
                Map<String, String> t0 = Trees.snapshot(peers.get(0).dir);
                return t0.equals(Trees.snapshot(peers.get(1).dir)) && t0.equals(Trees.snapshot(peers.get(2).dir));
            }, () -> peers.stream().map(pp -> Trees.snapshot(pp.dir).toString()).toList().toString());
            // Quiet for a moment, then compare again with what the room holds (a fresh joiner's disk).
            for (FolderPeer p : peers) {
                p.workspace.sync().get(10, TimeUnit.SECONDS);
                assertThat(p.workspace.awaitAllAcked(java.time.Duration.ofSeconds(20))).as(label).isTrue();
            }
            Path fresh = Files.createDirectories(tmp.resolve("s" + seed + "-fresh"));
            try (FolderPeer observer = FolderPeer.start(fresh, link)) {
                observer.workspace.settled().get(30, TimeUnit.SECONDS);
                Trees.await("the room equals the peers, " + label, 30,
                        () -> Trees.snapshot(fresh).equals(Trees.snapshot(peers.get(0).dir)),
                        () -> "room=" + Trees.snapshot(fresh) + " peer0=" + Trees.snapshot(peers.get(0).dir));
            }
            for (FolderPeer p : peers) {
                p.workspace.sync().get(10, TimeUnit.SECONDS);
            }
            Map<String, String> end = Trees.snapshot(peers.get(0).dir);
            assertThat(Trees.snapshot(peers.get(1).dir)).as(label).isEqualTo(end);
            assertThat(Trees.snapshot(peers.get(2).dir)).as(label).isEqualTo(end);
        } catch (AssertionError | Exception e) {
            System.err.println("RandomFolderOpsTest failed with " + label);
            throw e;
        } finally {
            for (FolderPeer p : peers) {
                p.close();
            }
        }
    }

    /**
     * The folder's files a user would touch. The peer writes files through temporary files it renames into place,
     * so a walk can meet a name that is gone a moment later; such a listing is taken again.
     */
    static List<Path> userFiles(Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).filter(f -> !dir.relativize(f).toString().startsWith(".weft"))
                        .filter(f -> !f.getFileName().toString().endsWith(".weft-local"))
                        .filter(f -> !f.getFileName().toString().endsWith(".tmp")).toList();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 20) {
                    throw e;
                }
            }
        }
    }

    /** One thing a user or a tool does to a folder. */
    static void fileOperation(Path dir, SplittableRandom random) throws IOException {
        List<Path> files = userFiles(dir);
        int kind = random.nextInt(100);
        try {
            if (files.isEmpty() || kind < 25) {
                String name = NAMES[random.nextInt(NAMES.length)];
                Path target = dir.resolve(name);
                Files.createDirectories(target.getParent());
                if (name.endsWith(".png")) {
                    byte[] bytes = GitRepos.png().clone();
                    bytes[bytes.length - 1] = (byte) random.nextInt(256);
                    Files.write(target, bytes);
                } else if (!Files.exists(target)) {
                    Files.writeString(target, "created " + random.nextInt(1000) + "\n");
                }
                return;
            }
            Path f = files.get(random.nextInt(files.size()));
            if (kind < 65) {
                if (f.getFileName().toString().endsWith(".png")) {
                    return;
                }
                String text = Files.readString(f);
                int pos = random.nextInt(text.length() + 1);
                while (pos > 0 && pos < text.length() && Character.isLowSurrogate(text.charAt(pos))) {
                    pos--;
                }
                String edit = random.nextInt(4) == 0 ? "é😀" : "line " + random.nextInt(100) + "\n";
                Files.writeString(f, text.substring(0, pos) + edit + text.substring(pos)); // sed -i style
            } else if (kind < 85) {
                String name = NAMES[random.nextInt(NAMES.length)];
                Path target = dir.resolve(name);
                if (!Files.exists(target) && name.endsWith(".png") == f.toString().endsWith(".png")) {
                    Files.createDirectories(target.getParent());
                    Files.move(f, target);
                }
            } else {
                Files.delete(f);
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.FileAlreadyExistsException
                 | java.nio.charset.MalformedInputException e) {
            // the engine moved or replaced it meanwhile: a user would simply retry
        }
    }
}

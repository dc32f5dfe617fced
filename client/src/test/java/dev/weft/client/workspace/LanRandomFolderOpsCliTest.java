package dev.weft.client.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.client.cli.FolderProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code bin/weft} folder peers over the LAN, no relay anywhere, each a separate JVM with its own HOME
 * (journal): one {@code share --lan}, two {@code join --lan}. Seeded random file operations on their disks —
 * create, outside edit, rename/move, delete, binary writes — while the third peer is SIGKILLed and restarted (its
 * disk changed while it was down); at the end the three trees are identical, and equal to what a fresh
 * {@code join --lan} writes. The seed is printed on failure ({@code -Dweft.seed=N} replays one).
 */
class LanRandomFolderOpsCliTest {
    @TempDir
    Path tmp;

    @Test
    void threeLanPeersWithOneKilledAndRestartedConvergeOnEveryDisk() throws Exception {
        long seed = Long.getLong("weft.seed", 12_2026L);
        String label = "seed " + seed + " (replay with -Dweft.seed=" + seed + ")";
        SplittableRandom random = new SplittableRandom(seed);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            dirs.add(Files.createDirectories(tmp.resolve("peer" + i)));
        }
        Trees.write(dirs.get(0), "a.txt", "first line\nsecond line\n");
        Trees.write(dirs.get(0), "docs/e.md", "# Title\r\nCRLF body 😀\r\n");
        FolderProcess[] peers = new FolderProcess[4];
        try {
            peers[0] = FolderProcess.start(tmp.resolve("run0"), tmp.resolve("home0"), "share",
                    dirs.get(0).toString(), "--lan", "--bind", "127.0.0.1", "--discovery", "off");
            JsonObject room = JsonParser.parseString(peers[0].awaitLine(120)).getAsJsonObject();
            String link = room.get("link").getAsString();
            String peer0 = "127.0.0.1:" + room.get("port").getAsInt();
            for (int i = 1; i < 3; i++) {
                peers[i] = join(i, 0, link, dirs.get(i), peer0);
            }
            boolean down = false;
            int restarts = 0;
            for (int op = 0; op < 60; op++) {
                int who = random.nextInt(3);
                if (who == 2 && random.nextInt(100) < 15) {
                    if (down) {
                        peers[2] = join(2, ++restarts, link, dirs.get(2), peer0);
                    } else {
                        peers[2].close();   // SIGKILL: no clean stop, no last flush
                    }
                    down = !down;
                } else {
                    RandomFolderOpsTest.fileOperation(dirs.get(who), random);
                }
                Thread.sleep(random.nextInt(150));
            }
            if (down) {
                peers[2] = join(2, ++restarts, link, dirs.get(2), peer0);
            }
            Trees.await("three identical trees, " + label, 120, () -> {
                Map<String, String> t0 = Trees.snapshot(dirs.get(0));
                return t0.equals(Trees.snapshot(dirs.get(1))) && t0.equals(Trees.snapshot(dirs.get(2)));
            }, () -> dirs.stream().map(d -> Trees.snapshot(d).toString()).toList().toString());
            Path fresh = Files.createDirectories(tmp.resolve("fresh"));
            peers[3] = FolderProcess.start(tmp.resolve("run-fresh"), tmp.resolve("home-fresh"), "join", "--lan",
                    link, fresh.toString(), "--bind", "127.0.0.1", "--discovery", "off", "--peer", peer0);
            peers[3].awaitLine(120);
            Trees.await("a fresh joiner writes the same tree, " + label, 60,
                    () -> Trees.snapshot(fresh).equals(Trees.snapshot(dirs.get(0))),
                    () -> "fresh=" + Trees.snapshot(fresh) + " peer0=" + Trees.snapshot(dirs.get(0)));
            assertThat(Trees.snapshot(dirs.get(0))).as(label).isNotEmpty();
            System.out.println("LanRandomFolderOpsCliTest " + label + ": " + restarts + " restarts, "
                    + Trees.snapshot(dirs.get(0)).size() + " files at the end");
        } catch (AssertionError | Exception e) {
            System.err.println("LanRandomFolderOpsCliTest failed with " + label);
            for (FolderProcess p : peers) {
                if (p != null) {
                    System.err.println("--- peer stderr:\n" + p.stderr());
                }
            }
            throw e;
        } finally {
            for (FolderProcess p : peers) {
                if (p != null) {
                    p.close();
                }
            }
        }
    }

    /** {@code weft join --lan} of peer {@code i} (its own HOME, so a restart reopens its journal), synced. */
    private FolderProcess join(int i, int run, String link, Path dir, String peer) throws Exception {
        FolderProcess p = FolderProcess.start(tmp.resolve("run" + i + "-" + run), tmp.resolve("home" + i), "join",
                "--lan", link, dir.toString(), "--bind", "127.0.0.1", "--discovery", "off", "--peer", peer);
        p.awaitLine(120);
        return p;
    }
}

package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under a running relay, for real: the data directory sits on a small tmpfs, which the test fills and
 * frees. Needs root (to mount); elsewhere it skips with a message.
 */
class RelayDiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void fullDiskRefusesWritesHonestlyAndStorageRecoversByItselfWhenSpaceReturns() throws Exception {
        Path mount = tmp.resolve("disk");
        Files.createDirectories(mount);
        assumeTrue(mountTmpfs(mount, "8m"), "needs root and tmpfs (mount -t tmpfs) to fill a real file system; skipped");
        List<VersionVector> acked = new ArrayList<>();
        TextDocument ra = Replicas.fresh();
        TextDocument rn = Replicas.fresh();
        try {
            try (RelayProcess relay = RelayProcess.startWithData(tmp, mount.resolve("data"))) {
                RoomCredentials room = relay.createRoom();
                try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                    a.join(room, room.secret(), 1, "ann");
                    Replicas.sync(a, "big.txt", ra);
                    a.send(new Message.Update("big.txt", ra.insert(0, "before the disk filled\n").update()));
                    acked.add(Replicas.awaitAck(a, "big.txt", ra.version()).durableVersion());
                    assertThat(health(relay).status()).isEqualTo(200);

                    Path filler = mount.resolve("filler");
                    fill(filler);
                    // Large updates need new WAL pages, which a full disk cannot give: each must be refused, not acked.
                    SplittableRandom rnd = new SplittableRandom(5);
                    int refused = 0;
                    for (int i = 0; i < 4; i++) {
                        a.send(new Message.Update("big.txt", ra.insert(ra.length(), noise(300_000, rnd)).update()));
                        Message answer = a.expect(Message.class, m -> m instanceof Message.Ack
                                || m instanceof Message.Error, WeftTestClient.TIMEOUT);
                        if (answer instanceof Message.Ack ack) {
                            acked.add(ack.durableVersion());
                        } else {
                            assertThat(((Message.Error) answer).code()).isEqualTo(ErrorCode.INTERNAL);
                            refused++;
                        }
                    }
                    assertThat(refused).as("updates refused while the disk is full").isGreaterThan(0);
                    // A document created while the disk is full: its creation fails with the batch.
                    a.send(new Message.SyncRequest("new.txt", rn.version()));
                    a.expect(Message.SyncReply.class, r -> r.doc().equals("new.txt"), WeftTestClient.TIMEOUT);
                    a.send(new Message.Update("new.txt", rn.insert(0, noise(300_000, rnd)).update()));
                    a.expect(Message.Error.class, e -> e.doc().equals("new.txt"), WeftTestClient.TIMEOUT);
                    RelayProcess.Http.Response sick = health(relay);
                    assertThat(sick.status()).as("/healthz while writes fail: %s", sick.body()).isEqualTo(503);
                    assertThat(sick.body()).contains("\"storage\"").contains("\"reason\"");
                    assertThat(RelayProcess.Http.post(relay.url() + "/api/rooms").status()).isEqualTo(500);

                    Files.delete(filler);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (health(relay).status() != 200 && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                    assertThat(health(relay).status()).as("/healthz after space returned; log:\n%s", relay.log())
                            .isEqualTo(200);
                    // Writes and room creation work again without a restart; the refused text is resent by a sync.
                    RoomCredentials second = relay.createRoom();
                    assertThat(second.room()).isNotBlank();
                    drainAnswers(a);
                    Replicas.sync(a, "big.txt", ra);
                    a.send(new Message.Update("big.txt", ra.insert(0, "after\n").update()));
                    acked.add(Replicas.awaitAck(a, "big.txt", ra.version()).durableVersion());
                    Replicas.sync(a, "new.txt", rn);
                    a.send(new Message.Update("new.txt", rn.insert(0, "new after\n").update()));
                    Replicas.awaitAck(a, "new.txt", rn.version());
                }
                relay.kill();
                relay.restart();
                try (WeftTestClient b = JavaWeftClient.connect(relay.url())) {
                    b.join(room, room.secret(), 2, "bob");
                    TextDocument rb = Replicas.synced(b, "big.txt");
                    for (VersionVector v : acked) {
                        assertThat(rb.version().covers(v)).as("acknowledged %s survives a SIGKILL", v).isTrue();
                    }
                    assertSameText(rb.getText(), ra.getText(), "big.txt after restart");
                    TextDocument rnb = Replicas.synced(b, "new.txt");
                    assertSameText(rnb.getText(), rn.getText(),
                            "new.txt, created while the disk was full and acknowledged after");
                }
            }
        } finally {
            unmount(mount);
        }
    }

    /** Equal texts, reported by length and head (the texts hold 300 KB of noise). */
    private static void assertSameText(String actual, String expected, String what) {
        assertThat(actual.equals(expected)).as("%s: %d chars starting '%s', expected %d chars starting '%s'", what,
                actual.length(), actual.substring(0, Math.min(20, actual.length())), expected.length(),
                expected.substring(0, Math.min(20, expected.length()))).isTrue();
    }

    private static RelayProcess.Http.Response health(RelayProcess relay) throws IOException {
        return RelayProcess.Http.get(relay.url() + "/healthz");
    }

    /** Takes the answers to the refused updates (the relay may send a few more errors) so later expects are clean. */
    private static void drainAnswers(WeftTestClient c) {
        c.drain(Duration.ofMillis(300));
    }

    private static String noise(int length, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('!' + rnd.nextInt(90)));
        }
        return sb.toString();
    }

    /** Writes {@code file} until the file system refuses (ENOSPC). */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
    }

    private static boolean mountTmpfs(Path at, String size) throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !System.getProperty("os.name").contains("Linux")) {
            return false;
        }
        return run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString()) == 0;
    }

    private static void unmount(Path at) throws Exception {
        if (run("umount", at.toString()) != 0) {
            run("umount", "-l", at.toString());
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}

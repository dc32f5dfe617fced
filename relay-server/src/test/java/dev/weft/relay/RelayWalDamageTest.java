package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.crdt.TextDocument;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay killed with SIGKILL whose WAL is then damaged or deleted must not start silently with fewer updates than
 * it acknowledged; a backup taken while it ran restores the room. The killed relay's data is made once; each test
 * damages its own copy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayWalDamageTest {
    @TempDir
    static Path tmp;

    /** The data directory of the killed relay (untouched; each test copies it). */
    Path killedData;
    /** A backup taken with the relay's backup command half-way through typing. */
    Path backup;
    RoomCredentials room;
    /** The text the client had when the backup was taken, and at the end (all of it acknowledged). */
    String textAtBackup;
    String textAtKill;

    @BeforeAll
    void typeAcknowledgedUpdatesThenSigkill() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("orig"))) {
            room = relay.createRoom();
            TextDocument ra = Replicas.fresh();
            try (WeftTestClient a = JavaWeftClient.connect(relay.url())) {
                a.join(room, room.secret(), 1, "ann");
                Replicas.sync(a, "w.txt", ra);
                type(a, ra, 60, "first ");
                backup = tmp.resolve("backup.db");
                Process p = new ProcessBuilder(javaCommand("backup", "--data", relay.dataDir().toString(), "--to",
                        backup.toString())).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor()).as("backup command output: %s", out).isZero();
                textAtBackup = ra.getText();
                type(a, ra, 90, "second ");
                textAtKill = ra.getText();
            }
            relay.kill();
            killedData = relay.dataDir();
        }
        assertThat(Files.size(killedData.resolve("weft.db-wal"))).as("un-checkpointed WAL").isPositive();
    }

    private static void type(WeftTestClient a, TextDocument ra, int updates, String word) {
        for (int i = 0; i < updates; i++) {
            a.send(new Message.Update("w.txt", ra.insert(ra.length(), word + i + "\n").update()));
            Replicas.awaitAck(a, "w.txt", ra.version()); // one at a time: many commits, each acknowledged
        }
    }

    @Test
    void deletedWalIsDetectedAndTheRelayRefusesToStart() throws Exception {
        Path work = copyOfKilled("deleted");
        Files.delete(work.resolve("data/weft.db-wal"));
        Files.deleteIfExists(work.resolve("data/weft.db-shm"));
        assertRefusesThenAcceptsLossWhenTold(work, false); // the room itself was only in the WAL
    }

    @Test
    void flippedByteInWalIsDetectedAndTheRelayRefusesToStart() throws Exception {
        Path work = copyOfKilled("flipped");
        Path wal = work.resolve("data/weft.db-wal");
        byte[] bytes = Files.readAllBytes(wal);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(wal, bytes);
        assertRefusesThenAcceptsLossWhenTold(work, true); // SQLite keeps the frames before the damaged one
    }

    @Test
    void intactDataAfterSigkillStartsAndHoldsEverythingAcknowledged() throws Exception {
        Path work = copyOfKilled("intact");
        try (RelayProcess relay = RelayProcess.startWithData(work, work.resolve("data"))) {
            assertThat(textOf(relay)).isEqualTo(textAtKill);
        }
    }

    @Test
    void backupTakenWhileRunningRestoresIntoAFreshDataDirectory() throws Exception {
        Path work = tmp.resolve("restored");
        Files.createDirectories(work.resolve("data"));
        Files.copy(backup, work.resolve("data/weft.db"));
        try (RelayProcess relay = RelayProcess.startWithData(work, work.resolve("data"))) {
            assertThat(textOf(relay)).isEqualTo(textAtBackup);
        }
    }

    private void assertRefusesThenAcceptsLossWhenTold(Path work, boolean roomSurvives) throws Exception {
        RelayProcess.Exited refused = RelayProcess.runUntilExit(work, freePort(), Duration.ofSeconds(30));
        assertThat(refused.exitCode()).as("log:\n%s", refused.log()).isNotZero();
        assertThat(refused.log()).contains("were acknowledged").contains("restore from a backup");
        // The operator may choose to run with what is left: loud, and the next start is normal again.
        try (RelayProcess relay = RelayProcess.startWithData(work, work.resolve("data"), "--accept-data-loss", "true")) {
            assertThat(relay.log()).contains("storage.loss_accepted");
            if (roomSurvives) {
                String left = textOf(relay);
                assertThat(textAtKill).startsWith(left);
                assertThat(left).isNotEqualTo(textAtKill);
            }
        }
        try (RelayProcess relay = RelayProcess.startWithData(work.resolve("again"), work.resolve("data"))) {
            assertThat(relay.log()).doesNotContain("storage.loss_accepted");
        }
    }

    private String textOf(RelayProcess relay) {
        try (WeftTestClient b = JavaWeftClient.connect(relay.url())) {
            b.join(room, room.secret(), 2, "bob");
            TextDocument rb = Replicas.synced(b, "w.txt");
            return rb.getText();
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nrelay log:\n" + relay.log(), e);
        }
    }

    private Path copyOfKilled(String name) throws IOException {
        Path work = tmp.resolve(name);
        Files.createDirectories(work.resolve("data"));
        try (Stream<Path> files = Files.list(killedData)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, work.resolve("data").resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return work;
    }

    private static java.util.List<String> javaCommand(String... args) {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.weft.relay.RelayMain"));
        cmd.addAll(java.util.List.of(args));
        return cmd;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

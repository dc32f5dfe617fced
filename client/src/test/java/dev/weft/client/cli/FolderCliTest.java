package dev.weft.client.cli;

import dev.weft.relay.testing.RelayExtension;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft share} and {@code weft join} as real processes on a real relay, on a git repository. */
class FolderCliTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    static final Set<String> SHARED = new TreeSet<>(Set.of(".gitignore", ".weftignore", "src/.gitignore",
            "src/Main.java", "src/important.tmp", "src/deep/root-only.txt", "keep.log", "docs/crlf.txt",
            "docs/emoji 😀.md", "docs/figure.png"));

    @Test
    void shareAGitRepositoryJoinIntoANonEmptyFolderAndMirrorBothWays() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path userExcludes = home.resolve("global-ignore");
        Files.writeString(home.resolve(".gitconfig"), "[core]\n\texcludesFile = " + userExcludes + "\n");
        Path a = tmp.resolve("alice");
        dev.weft.client.workspace.CliFixtures.makeSampleRepo(a, userExcludes);
        Path b = Files.createDirectories(tmp.resolve("bob"));
        Files.createDirectories(b.resolve("docs"));
        Files.writeString(b.resolve("docs/crlf.txt"), "bob's own version\n");

        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share"), home, "share", a.toString(),
                "--relay", relay.uri().toString())) {
            JsonObject room = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject();
            assertThat(room.keySet()).contains("room", "secret", "readOnlySecret", "link");
            String link = room.get("link").getAsString();
            assertThat(share.stderr()).contains("left out").contains(".env  (always excluded (.env*))")
                    .contains("editor.swp  (core.excludesFile").contains("private/  (.weftignore)")
                    .contains("build/  (.gitignore)");

            CliProcess.Result ls = CliProcess.run(tmp, "ls", "--link", link);
            assertThat(ls.exit()).as(ls.err()).isZero();
            Set<String> listed = Arrays.stream(ls.out().split("\n")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(listed).isEqualTo(SHARED);
            CliProcess.Result cat = CliProcess.run(tmp, "cat", "--link", link, "--doc", "docs/crlf.txt");
            assertThat(cat.out()).isEqualTo("line one\r\nline two\r\n");

            try (FolderProcess join = FolderProcess.start(tmp.resolve("p-join"), home, "join", "--link", link,
                    b.toString())) {
                JsonObject synced = JsonParser.parseString(join.awaitLine(120)).getAsJsonObject();
                assertThat(synced.get("synced").getAsBoolean()).isTrue();
                assertThat(synced.get("files").getAsInt()).isEqualTo(SHARED.size());
                for (String path : SHARED) {
                    assertThat(Files.readAllBytes(b.resolve(path))).as(path).isEqualTo(Files.readAllBytes(a.resolve(path)));
                }
                assertThat(Files.readString(b.resolve("docs/crlf.txt.weft-local"))).isEqualTo("bob's own version\n");
                assertThat(join.stderr()).contains("docs/crlf.txt").contains("docs/crlf.txt.weft-local");
                assertThat(b.resolve(".env")).doesNotExist();

                // An outside edit on Alice's disk (as sed -i does) reaches Bob's disk; Bob's file keeps its mode.
                Files.setPosixFilePermissions(b.resolve("src/Main.java"), PosixFilePermissions.fromString("rwxr-x---"));
                Files.writeString(a.resolve("src/Main.java"), "class Main { int x; }\n");
                awaitContent(b.resolve("src/Main.java"), "class Main { int x; }\n", join);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.resolve("src/Main.java"))))
                        .isEqualTo("rwxr-x---");
                // git mv on Alice's side: Bob's file follows; a file Bob creates reaches Alice.
                dev.weft.client.workspace.CliFixtures.git(a, "mv", "docs/emoji 😀.md", "docs/renamed 😀.md");
                awaitContent(b.resolve("docs/renamed 😀.md"), "smile 😀 café\n", join);
                Trees2.await(() -> !Files.exists(b.resolve("docs/emoji 😀.md")), "the old name gone at Bob");
                // Renaming to an ignored name is a delete for the others (the file is no longer shared).
                dev.weft.client.workspace.CliFixtures.git(a, "mv", "keep.log", "renamed.log");
                Trees2.await(() -> !Files.exists(b.resolve("keep.log")), "keep.log gone at Bob");
                assertThat(b.resolve("renamed.log")).doesNotExist();
                Files.writeString(b.resolve("src/FromBob.java"), "class FromBob {}\n");
                awaitContent(a.resolve("src/FromBob.java"), "class FromBob {}\n", share);

                assertThat(join.terminate(30)).isEqualTo(143);
                assertThat(join.stderr()).contains("every local change is durable");
            }
            assertThat(share.terminate(30)).isEqualTo(143);
            assertThat(share.stderr()).contains("every local change is durable");
        }
    }

    @Test
    void aPeerThatWasStoppedMergesWhatChangedOnItsDiskMeanwhileAsEdits() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home2"));
        Path a = Files.createDirectories(tmp.resolve("restart-alice"));
        Path b = tmp.resolve("restart-bob");
        Files.writeString(a.resolve("shared.txt"), "one\ntwo\nthree\n");
        Files.writeString(a.resolve("doomed.txt"), "delete me\n");
        Files.writeString(a.resolve("stays.txt"), "stays\n");
        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share2"), home, "share", a.toString(),
                "--relay", relay.uri().toString())) {
            String link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
            try (FolderProcess join = FolderProcess.start(tmp.resolve("p-join2"), home, "join", "--link", link,
                    b.toString())) {
                join.awaitLine(120);
                assertThat(join.terminate(30)).isEqualTo(143);
            }
            // Bob is not running: his disk changes, and Alice edits the same file elsewhere.
            Files.writeString(b.resolve("shared.txt"), "one\ntwo (bob, offline)\nthree\n");
            Files.delete(b.resolve("doomed.txt"));
            Files.move(b.resolve("stays.txt"), b.resolve("moved.txt"));
            Files.writeString(b.resolve("new-offline.txt"), "made while stopped\n");
            Files.writeString(a.resolve("shared.txt"), "one (alice)\ntwo\nthree\n");
            awaitRoom(link, "shared.txt", "one (alice)\ntwo\nthree\n");

            try (FolderProcess join = FolderProcess.start(tmp.resolve("p-join3"), home, "join", "--link", link,
                    b.toString())) {
                join.awaitLine(120);
                String merged = "one (alice)\ntwo (bob, offline)\nthree\n";
                awaitContent(a.resolve("shared.txt"), merged, share);
                awaitContent(b.resolve("shared.txt"), merged, join);
                awaitContent(a.resolve("new-offline.txt"), "made while stopped\n", share);
                awaitContent(a.resolve("moved.txt"), "stays\n", share);
                Trees2.await(() -> !Files.exists(a.resolve("doomed.txt")) && !Files.exists(a.resolve("stays.txt")),
                        "the offline delete and rename reached Alice; Bob's stderr: " + join.stderr() + "; Alice's: "
                                + share.stderr() + "; state: " + Files.readString(b.resolve(".weft/state/"
                                + JsonParser.parseString(share.stdout()).getAsJsonObject().get("room").getAsString()
                                + "/files.tsv")));
                assertThat(b.resolve("shared.txt.weft-local")).doesNotExist();
                assertThat(join.stderr()).contains("resuming 3 files");
                assertThat(join.terminate(30)).isEqualTo(143);
            }
            assertThat(share.terminate(30)).isEqualTo(143);
        }
    }

    @Test
    void aRelaySigkillDuringAShareLosesNothingAcknowledged() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home3"));
        Path a = Files.createDirectories(tmp.resolve("kill-alice"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(a.resolve("f" + i + ".txt"), "file " + i + "\n");
        }
        Files.write(a.resolve("img.png"), dev.weft.client.workspace.CliFixtures.png());
        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share4"), home, "share", a.toString(),
                "--relay", relay.uri().toString())) {
            String link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
            relay.process().restart(); // SIGKILL right after the upload was acknowledged, then start on the same data
            CliProcess.Result ls = CliProcess.run(tmp, "ls", "--link", link);
            assertThat(ls.out().split("\n")).hasSize(41);
            assertThat(CliProcess.run(tmp, "cat", "--link", link, "--doc", "f39.txt").out()).isEqualTo("file 39\n");

            // Changes made while the relay is down are uploaded when it is back, and SIGTERM waits for them.
            relay.process().kill();
            Files.writeString(a.resolve("f0.txt"), "file 0, edited while the relay was down\n");
            Files.writeString(a.resolve("late.txt"), "created while the relay was down\n");
            Thread.sleep(1500); // let the peer notice (it polls every second); not an assertion
            relay.process().restart();
            awaitRoom(link, "late.txt", "created while the relay was down\n");
            assertThat(share.terminate(30)).isEqualTo(143);
            assertThat(share.stderr()).contains("every local change is durable");
            assertThat(CliProcess.run(tmp, "cat", "--link", link, "--doc", "f0.txt").out())
                    .isEqualTo("file 0, edited while the relay was down\n");
            assertThat(CliProcess.run(tmp, "ls", "--link", link, "--long").out()).contains("binary\t")
                    .contains("\timg.png\n").contains("\tlate.txt\n");
        }
    }

    static void awaitRoom(String link, String path, String text) throws Exception {
        Trees2.await(() -> {
            try {
                return CliProcess.run(tmp, "cat", "--link", link, "--doc", path).out().equals(text);
            } catch (Exception e) {
                return false;
            }
        }, "room has " + path + " == " + text.strip());
    }

    static void awaitContent(Path file, String text, FolderProcess p) throws Exception {
        Trees2.await(() -> {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).equals(text);
            } catch (Exception e) {
                return false;
            }
        }, file + " == " + text.strip() + "; peer stderr: " + p.stderr());
    }

    /** Condition waiting for this package: 60 s, since three JVMs (relay, two folder peers) share the machine. */
    static final class Trees2 {
        static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!c.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                Thread.sleep(50);
            }
        }
    }
}

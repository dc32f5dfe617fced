package dev.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/weft share --lan} / {@code join --lan} as separate JVMs on loopback, no relay anywhere. */
class LanFolderCliTest {
    @TempDir
    Path tmp;

    @Test
    void shareAndJoinOverLanMirrorFilesBothWaysWithoutARelay() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a.resolve("src"));
        Files.writeString(a.resolve("README.md"), "hello lan\n");
        Files.writeString(a.resolve("src/Main.java"), "class Main {}\n");
        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share"), tmp.resolve("home-a"), "share",
                a.toString(), "--lan", "--bind", "127.0.0.1", "--discovery", "off")) {
            JsonObject room = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject();
            assertThat(room.get("link").getAsString()).startsWith("weft://lan?");
            assertThat(room.get("readOnlyLink").getAsString()).contains("readOnlySecret=");
            int port = room.get("port").getAsInt();
            try (FolderProcess join = FolderProcess.start(tmp.resolve("p-join"), tmp.resolve("home-b"), "join",
                    "--lan", room.get("link").getAsString(), b.toString(), "--bind", "127.0.0.1", "--discovery",
                    "off", "--peer", "127.0.0.1:" + port)) {
                JsonObject synced = JsonParser.parseString(join.awaitLine(120)).getAsJsonObject();
                assertThat(synced.get("synced").getAsBoolean()).isTrue();
                assertThat(Files.readString(b.resolve("README.md"))).isEqualTo("hello lan\n");
                assertThat(Files.readString(b.resolve("src/Main.java"))).isEqualTo("class Main {}\n");

                Files.writeString(b.resolve("src/Main.java"), "class Main { int x; }\n");
                Files.writeString(b.resolve("NEW.txt"), "from b\n");
                Files.writeString(a.resolve("README.md"), "hello lan, edited on a\n");
                awaitFile(a.resolve("src/Main.java"), "class Main { int x; }\n", share);
                awaitFile(a.resolve("NEW.txt"), "from b\n", share);
                awaitFile(b.resolve("README.md"), "hello lan, edited on a\n", join);
            }
        }
    }

    @Test
    void joinWithAWrongSecretFailsClearly() throws Exception {
        Path a = tmp.resolve("a2");
        Files.createDirectories(a);
        Files.writeString(a.resolve("x.txt"), "x\n");
        try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share2"), tmp.resolve("home-a2"), "share",
                a.toString(), "--lan", "--bind", "127.0.0.1", "--discovery", "off")) {
            JsonObject room = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject();
            String wrong = "weft://lan?room=" + room.get("room").getAsString() + "&secret=not-the-secret";
            int code = WeftCli.run(new String[] {"join", "--lan", wrong, tmp.resolve("b2").toString(), "--bind",
                    "127.0.0.1", "--discovery", "off", "--peer", "127.0.0.1:" + room.get("port").getAsInt(),
                    "--timeout", "3"}, new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                    new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
            assertThat(code).isEqualTo(1);
            assertThat(tmp.resolve("b2").resolve("x.txt")).doesNotExist();
        }
    }

    private static void awaitFile(Path p, String content, FolderProcess proc) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (Files.exists(p) && Files.readString(p, StandardCharsets.UTF_8).equals(content)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(p + " never became " + content + "; stderr: " + proc.stderr());
            }
            Thread.sleep(50);
        }
    }
}

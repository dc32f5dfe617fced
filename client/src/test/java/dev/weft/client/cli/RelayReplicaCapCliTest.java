package dev.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import dev.weft.relay.testing.RelayProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay that keeps at most {@value #CAP} document replicas of a room in memory ({@code --max-loaded-docs-per-room})
 * serves a shared folder of {@value #FILES} files (plus the tree and authors documents): the share completes, every
 * file reads back exactly through {@code weft cat} (each read loads an evicted document back from storage), an
 * outside edit to a file whose replica was evicted meanwhile reaches the room, and after a relay restart (the room is
 * loaded again, read through under the cap) every file is still exact. After each read, once every write is durable,
 * the relay holds at most {@value #CAP} replicas; after the restart it never held more. Contents are seeded.
 */
class RelayReplicaCapCliTest {
    static final int CAP = 4;
    static final int FILES = 16;

    @TempDir
    Path tmp;

    @Test
    void aRoomWithMoreDocumentsThanTheReplicaCapIsServedExactlyAndTheReplicaCountStaysUnderTheCap()
            throws Exception {
        long seed = Long.getLong("weft.seed", 4_242L);
        SplittableRandom random = new SplittableRandom(seed);
        Path dir = Files.createDirectories(tmp.resolve("alice"));
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < FILES; i++) {
            StringBuilder b = new StringBuilder();
            for (int l = random.nextInt(1, 8); l > 0; l--) {
                b.append("line ").append(random.nextInt(1_000_000)).append(random.nextBoolean() ? " é😀\n" : "\r\n");
            }
            String path = "dir" + (i % 3) + "/file" + i + ".txt";
            files.put(path, b.toString());
            Files.createDirectories(dir.resolve(path).getParent());
            Files.writeString(dir.resolve(path), b.toString());
        }
        Path home = Files.createDirectories(tmp.resolve("home"));
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("data"),
                "--max-loaded-docs-per-room", String.valueOf(CAP))) {
            String link;
            try (FolderProcess share = FolderProcess.start(tmp.resolve("p-share"), home, "share", dir.toString(),
                    "--relay", relay.url())) {
                link = JsonParser.parseString(share.awaitLine(120)).getAsJsonObject().get("link").getAsString();
                for (Map.Entry<String, String> f : files.entrySet()) {
                    assertThat(cat(link, f.getKey())).as("%s (seed %d)", f.getKey(), seed).isEqualTo(f.getValue());
                    assertThat(metric(relay, "weft_replicas")).as("replicas in memory after reading %s", f.getKey())
                            .isLessThanOrEqualTo(CAP);
                }
                assertThat(metric(relay, "weft_replica_evictions_total")).isPositive();
                assertThat(metric(relay, "weft_replica_loads_total")).isPositive();

                // The first file's replica was evicted long ago: Alice's outside edit must load it back and land.
                String first = files.keySet().iterator().next();
                String edited = files.get(first) + "appended by sed\n";
                Files.writeString(dir.resolve(first), edited);
                files.put(first, edited);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!cat(link, first).equals(edited)) {
                    assertThat(System.nanoTime()).as("the edit to %s never reached the room", first)
                            .isLessThan(deadline);
                    Thread.sleep(300);
                }
            }
            relay.restart();
            for (Map.Entry<String, String> f : files.entrySet()) {
                assertThat(cat(link, f.getKey())).as("%s after restart (seed %d)", f.getKey(), seed)
                        .isEqualTo(f.getValue());
            }
            assertThat(metric(relay, "weft_replicas_peak")).as("most replicas in memory since the restart")
                    .isLessThanOrEqualTo(CAP);
        }
    }

    private String cat(String link, String path) throws Exception {
        CliProcess.Result r = CliProcess.run(tmp, "cat", "--link", link, "--doc", path);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private static long metric(RelayProcess relay, String name) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(relay.url() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)").matcher(body);
        assertThat(m.find()).as("metric %s in %s", name, body).isTrue();
        return Long.parseLong(m.group(1));
    }
}

package dev.weft.client.cli;

import dev.weft.relay.testing.RelayExtension;
import dev.weft.client.invite.InviteLink;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI, as a process, against a real relay process. */
class WeftCliTest {
    @TempDir
    static Path tmp;
    @RegisterExtension
    static final RelayExtension relay = new RelayExtension();

    private static JsonObject createRoom() throws Exception {
        CliProcess.Result r = CliProcess.run(tmp, "create-room", "--relay", relay.uri().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).endsWith("\n").doesNotContain("\n\n");
        assertThat(r.out().strip()).doesNotContain("\n");
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    /** A seeded random sequential trace; returns its end content. */
    static String writeTrace(Path file, long seed, int patches) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        JsonObject root = new JsonObject();
        com.google.gson.JsonArray txns = new com.google.gson.JsonArray();
        for (int i = 0; i < patches; i++) {
            int pos = random.nextInt(text.length() + 1);
            int del = text.length() > pos && random.nextInt(4) == 0 ? random.nextInt(1, Math.min(5,
                    text.length() - pos) + 1) : 0;
            String ins = random.nextInt(5) == 0 ? "é😀\n" : Character.toString('a' + random.nextInt(26));
            if (del > 0 && random.nextBoolean()) {
                ins = "";
            }
            // keep surrogate pairs whole in this generator: never cut inside one
            if (pos > 0 && pos < text.length() && Character.isLowSurrogate(text.charAt(pos))) {
                pos--;
            }
            int end = pos + del;
            if (end > 0 && end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
                del++;
            }
            text.replace(pos, pos + del, ins);
            com.google.gson.JsonArray patch = new com.google.gson.JsonArray();
            patch.add(pos);
            patch.add(del);
            patch.add(ins);
            com.google.gson.JsonArray ps = new com.google.gson.JsonArray();
            ps.add(patch);
            JsonObject txn = new JsonObject();
            txn.addProperty("time", "2026-11-21T20:00:00Z");
            txn.add("patches", ps);
            txns.add(txn);
        }
        root.addProperty("startContent", "");
        root.addProperty("endContent", text.toString());
        root.add("txns", txns);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(root.toString().getBytes(StandardCharsets.UTF_8));
        }
        return text.toString();
    }

    @Test
    void createRoomPrintsOneJsonLineWithRoomSecretsAndInviteLinks() throws Exception {
        JsonObject room = createRoom();
        assertThat(room.keySet()).containsExactlyInAnyOrder("room", "secret", "readOnlySecret", "link",
                "readOnlyLink");
        assertThat(room.get("secret").getAsString()).isNotEqualTo(room.get("readOnlySecret").getAsString());
        InviteLink link = InviteLink.parse(room.get("link").getAsString());
        InviteLink readOnly = InviteLink.parse(room.get("readOnlyLink").getAsString());
        assertThat(link).isEqualTo(new InviteLink(relay.uri(), room.get("room").getAsString(),
                room.get("secret").getAsString()));
        assertThat(readOnly.secret()).isEqualTo(room.get("readOnlySecret").getAsString());
    }

    @Test
    void typeThenCatReproducesTheTraceExactly() throws Exception {
        JsonObject room = createRoom();
        Path trace = tmp.resolve("t1.json.gz");
        String expected = writeTrace(trace, 7, 400);
        String[] common = {"--relay", relay.uri().toString(), "--room", room.get("room").getAsString(),
                "--secret", room.get("secret").getAsString(), "--doc", "notes/t1.txt"};
        CliProcess.Result typed = CliProcess.run(tmp, concat(new String[] {"type"}, common, new String[] {"--trace",
                trace.toString()}));
        assertThat(typed.exit()).as(typed.err()).isZero();
        assertThat(typed.err()).contains("400/400 patches").contains("all acknowledged");

        CliProcess.Result cat = CliProcess.run(tmp, concat(new String[] {"cat"}, common));
        assertThat(cat.exit()).as(cat.err()).isZero();
        assertThat(cat.out()).isEqualTo(expected);
        assertThat(cat.err()).isEmpty();

        // The read-only secret can read too.
        CliProcess.Result ro = CliProcess.run(tmp, "cat", "--relay", relay.uri().toString(), "--room",
                room.get("room").getAsString(), "--secret", room.get("readOnlySecret").getAsString(), "--doc",
                "notes/t1.txt");
        assertThat(ro.out()).isEqualTo(expected);
    }

    @Test
    void typeWithRateAndInviteLinkWorks() throws Exception {
        JsonObject room = createRoom();
        Path trace = tmp.resolve("t2.json.gz");
        String expected = writeTrace(trace, 8, 30);
        String link = new dev.weft.client.invite.InviteLink(relay.uri(), room.get("room").getAsString(),
                room.get("secret").getAsString()).format();
        CliProcess.Result typed = CliProcess.run(tmp, "type", "--link", link, "--doc", "rate.txt", "--trace",
                trace.toString(), "--rate", "200");
        assertThat(typed.exit()).as(typed.err()).isZero();
        CliProcess.Result cat = CliProcess.run(tmp, "cat", "--link", link, "--doc", "rate.txt");
        assertThat(cat.out()).isEqualTo(expected);
    }

    @Test
    void wrongSecretGivesOneClearLineAndExitCode1() throws Exception {
        JsonObject room = createRoom();
        CliProcess.Result r = CliProcess.run(tmp, "cat", "--relay", relay.uri().toString(), "--room",
                room.get("room").getAsString(), "--secret", "wrong", "--doc", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("weft cat: relay refused");
    }

    @Test
    void unreachableRelayGivesOneClearLineAndExitCode1() throws Exception {
        CliProcess.Result r = CliProcess.run(tmp, "cat", "--relay", "http://127.0.0.1:1", "--room", "r",
                "--secret", "s", "--doc", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").contains("unreachable").contains("127.0.0.1:1");

        CliProcess.Result c = CliProcess.run(tmp, "create-room", "--relay", "http://127.0.0.1:1");
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.err().strip()).doesNotContain("\n").contains("unreachable");
    }

    @Test
    void badTraceFilesGiveOneClearLineAndExitCode1() throws Exception {
        JsonObject room = createRoom();
        Path notJson = tmp.resolve("bad.json");
        Files.writeString(notJson, "{\"txns\": [ {\"patches\": [[0, 0]] } ]}");
        Path concurrent = tmp.resolve("conc.json");
        Files.writeString(concurrent, "{\"kind\": \"concurrent\", \"txns\": []}");
        for (Path p : new Path[] {notJson, concurrent, tmp.resolve("missing.json.gz")}) {
            CliProcess.Result r = CliProcess.run(tmp, "type", "--relay", relay.uri().toString(), "--room",
                    room.get("room").getAsString(), "--secret", room.get("secret").getAsString(), "--doc", "x",
                    "--trace", p.toString());
            assertThat(r.exit()).as(p.toString()).isEqualTo(1);
            assertThat(r.err().strip()).doesNotContain("\n").startsWith("weft type: trace file");
        }
    }

    @Test
    void catOfMissingDocumentFailsWithoutCreatingIt() throws Exception {
        JsonObject room = createRoom();
        String[] args = {"cat", "--relay", relay.uri().toString(), "--room", room.get("room").getAsString(),
                "--secret", room.get("secret").getAsString(), "--doc", "nope.txt"};
        CliProcess.Result r = CliProcess.run(tmp, args);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no document 'nope.txt'");
        assertThat(CliProcess.run(tmp, args).exit()).isEqualTo(1);
    }

    @Test
    void usageErrorsExitWith2() throws Exception {
        assertThat(WeftCli.run(new String[] {"frobnicate"}, System.out, new java.io.PrintStream(
                OutputStream.nullOutputStream()))).isEqualTo(2);
        assertThat(WeftCli.run(new String[] {"cat", "--relay"}, System.out, new java.io.PrintStream(
                OutputStream.nullOutputStream()))).isEqualTo(2);
        assertThat(WeftCli.run(new String[] {"type", "--relay", "http://h", "--rate", "-1"}, System.out,
                new java.io.PrintStream(OutputStream.nullOutputStream()))).isEqualTo(2);
    }

    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}

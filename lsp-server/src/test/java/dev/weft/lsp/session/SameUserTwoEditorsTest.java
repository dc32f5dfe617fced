package dev.weft.lsp.session;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.testing.RelayTexts;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 9, item 1: two Weft editors of one user (one data directory) in one room, through a real relay process.
 * On main the second server loaded the first one's journal and its agent id, and the room diverged for good.
 */
class SameUserTwoEditorsTest {
    private static final String START = "start\n";

    @TempDir
    Path tmp;

    @Test
    void twoServersWithOneDataDirTypeConcurrentlyAndConvergeWithDistinctAgents() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay-data"));
             Session s = new Session(tmp, relay.url())) {
            Path home = tmp.resolve("same-home-data");
            s.addEditor(Ordering.VSCODE, null);
            s.addEditor(Ordering.NEOVIM, null, home);
            s.addEditor(Ordering.VSCODE, null, home);
            s.share("same.md", START);
            s.join(1);
            awaitJournal(home);   // the first editor's journal (and agent) is on disk before the second joins
            s.join(2);
            List<Long> agents = agents(s);
            assertThat(agents).as("agent ids of the three live replicas").doesNotHaveDuplicates();

            char[] letters = {'x', 'y', 'z'};
            int perEditor = 120;
            typeConcurrently(s, letters, perEditor);
            String text = s.awaitConverged(60_000);
            for (char c : letters) {
                assertThat(count(text, c)).as("keystrokes '%s' each exactly once", c).isEqualTo(perEditor);
            }
            assertThat(text.replaceAll("[xyz]", "")).isEqualTo(START);
            assertThat(relayText(s.link)).isEqualTo(text);
            assertThat(agents(s)).isEqualTo(agents);
        }
    }

    /**
     * A replica made to share an agent id with another live one (its journal copied, as the old code adopted it)
     * diverges; {@code weft/verify} compares with the room, repairs, and every buffer ends equal to the relay's.
     */
    @Test
    void replicaForcedToShareAnAgentIdIsRepairedByVerify() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay-data"));
             Session s = new Session(tmp, relay.url())) {
            Path home1 = tmp.resolve("data-one");
            Path home2 = tmp.resolve("data-two");
            s.addEditor(Ordering.VSCODE, null);
            s.addEditor(Ordering.NEOVIM, null, home1);
            s.share("same.md", START);
            s.join(1);
            awaitJournal(home1);
            copyJournalWithoutLock(home1, home2);   // forced: the duplicate agent id of the bug
            s.addEditor(Ordering.VSCODE, null, home2);
            s.join(2);
            List<Long> agents = agents(s);
            assertThat(agents.get(1)).isEqualTo(agents.get(2));

            typeConcurrently(s, new char[] {'x', 'y', 'z'}, 60);
            int repaired = 0;
            List<String> rooms = new ArrayList<>();
            for (int round = 0; ; round++) {
                assertThat(round).as("converged after verify rounds; last: %s", rooms).isLessThan(30);
                rooms.clear();
                for (int i = 0; i < 3; i++) {
                    SimulatedEditor e = s.editors.get(i);
                    String uri = s.uris.get(i);
                    e.flush(uri);
                    WeftProtocol.VerifyParams p = new WeftProtocol.VerifyParams();
                    p.uri = uri;
                    synchronized (e) {
                        p.version = e.version(uri);
                        p.sha256 = sha256(e.text(uri));
                    }
                    WeftProtocol.VerifyResult r = e.weft().verify(p).get(30, TimeUnit.SECONDS);
                    rooms.add(r.room);
                    if ("repaired".equals(r.room)) {
                        repaired++;
                        assertThat(r.repaired).isTrue();
                        assertThat(r.repairs).isGreaterThan(0);
                    }
                }
                if (rooms.stream().allMatch("same"::equals)) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(repaired).as("replicas repaired from the room").isGreaterThan(0);
            String text = s.awaitConverged(30_000);
            assertThat(relayText(s.link)).isEqualTo(text);
            assertThat(agents(s)).as("after the repair every live replica has its own agent").doesNotHaveDuplicates();
        }
    }

    /**
     * The three users type at once: keystrokes interleave round-robin at random places without waiting for any
     * sync, so every editor's edits are in flight together. (From the test thread: the in-process servers read
     * from pipes, which fail once the thread that wrote into them has ended.)
     */
    private static void typeConcurrently(Session s, char[] letters, int perEditor) throws InterruptedException {
        SplittableRandom rnd = new SplittableRandom(100);
        for (int k = 0; k < perEditor; k++) {
            for (int i = 0; i < letters.length; i++) {
                SimulatedEditor e = s.editors.get(i);
                String uri = s.uris.get(i);
                synchronized (e) {
                    int pos = rnd.nextInt(e.text(uri).length() + 1);
                    e.edit(uri, pos, pos, String.valueOf(letters[i]));
                }
            }
            if (rnd.nextInt(4) == 0) {
                Thread.sleep(rnd.nextInt(5));
            }
        }
    }

    private static List<Long> agents(Session s) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < s.editors.size(); i++) {
            var b = s.binding(i);
            out.add(b.call(() -> b.replica().agent()).get(10, TimeUnit.SECONDS));
        }
        return out;
    }

    private static void awaitJournal(Path dataDir) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            Path rooms = dataDir.resolve("rooms");
            if (Files.isDirectory(rooms)) {
                try (Stream<Path> w = Files.walk(rooms)) {
                    if (w.anyMatch(p -> p.getFileName().toString().equals("same.md.weft"))) {
                        return;
                    }
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no journal written under " + dataDir);
            }
            Thread.sleep(20);
        }
    }

    private static void copyJournalWithoutLock(Path from, Path to) throws Exception {
        try (Stream<Path> w = Files.walk(from)) {
            for (Path p : w.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static String relayText(String link) throws Exception {
        return RelayTexts.read(new RelayClient(RelayClient.Options.of(InviteLink.parse(link))), "same.md", 777);
    }

    private static long count(String s, char c) {
        return s.chars().filter(x -> x == c).count();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}

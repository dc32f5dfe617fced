package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import dev.weft.relay.testing.PostgresServer;
import dev.weft.relay.testing.RedisServer;
import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two language servers in one room on a two-node relay cluster (real relay processes on a private PostgreSQL and
 * redis-server; skipped when Debian's {@code postgresql} or {@code redis-server} is absent). The sharer gives
 * {@code relayUrl} as {@code URL1,URL2} in {@code weft.share}; the joiner has the same list in its
 * {@code initializationOptions}. The node both are on is SIGKILLed and never restarted: both fail over to the other
 * node, keep editing and converge, and the surviving node holds the result.
 */
class RelayClusterFailoverTest {
    @TempDir
    Path tmp;

    @Test
    void bothLanguageServersFailOverToTheOtherNodeWhenTheirNodeIsKilled() throws Exception {
        PostgresServer.assumeInstalled();
        RedisServer.assumeInstalled();
        useRelayJar();
        try (PostgresServer pg = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            String store = pg.createDatabase();
            try (RelayProcess n1 = RelayProcess.start(tmp.resolve("n1"), "--store", store, "--redis", redis.url());
                 RelayProcess n2 = RelayProcess.start(tmp.resolve("n2"), "--store", store, "--redis", redis.url());
                 Session s = new Session(tmp.resolve("s"), n1.url() + "," + n2.url())) {
                s.initRelayUrl = n1.url() + ", " + n2.url();
                s.addEditor(Ordering.VSCODE, null);
                s.addEditor(Ordering.NEOVIM, null);
                String link = s.share("notes.md", "shared line\n");
                assertThat(InviteLink.parse(link).relay().toString()).as("created on the first node")
                        .isEqualTo(n1.url());
                s.join(1);
                assertThat(s.awaitConverged(15_000)).isEqualTo("shared line\n");

                n1.kill();
                s.editors.get(0).edit(s.uris.get(0), 0, 0, "A ");
                s.editors.get(1).edit(s.uris.get(1), 0, 0, "B ");
                String text = s.awaitConverged(30_000);
                assertThat(text).isIn("A B shared line\n", "B A shared line\n");

                // The surviving node has every edit (it is durable there, not only in the editors).
                HaproxyClusterTest.assertSurvivorServes(n2, InviteLink.parse(link), text);
            }
        }
    }

    @Test
    void shareCreatesTheRoomOnTheFirstListedRelayThatAnswers() throws Exception {
        useRelayJar();
        try (RelayProcess up = RelayProcess.start(tmp.resolve("up"));
             Session s = new Session(tmp.resolve("s"), "http://127.0.0.1:1, " + up.url())) {
            s.addEditor(Ordering.VSCODE, null);
            String link = s.share("notes.md", "x\n");
            assertThat(InviteLink.parse(link).relay().toString()).as("the dead first URL is skipped")
                    .isEqualTo(up.url());
        }
    }

    /** RelayProcess runs the fat jar here (this module's class path has no relay classes), or the test is skipped. */
    static void useRelayJar() {
        if (System.getProperty("weft.relay.jar") != null) {
            return;
        }
        String prop = System.getProperty("weft.relayJar");
        Path jar = prop != null ? Path.of(prop)
                : Path.of("..", "relay-server", "target", "weft-relay.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            String why = "relay jar " + jar + " not built (mvn -pl relay-server -am package -DskipTests)";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        System.setProperty("weft.relay.jar", jar.toString());
    }
}

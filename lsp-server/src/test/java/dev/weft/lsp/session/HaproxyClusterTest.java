package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.invite.InviteLink;
import dev.weft.crdt.TextDocument;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import dev.weft.relay.testing.HaproxyServer;
import dev.weft.relay.testing.JavaWeftClient;
import dev.weft.relay.testing.PostgresServer;
import dev.weft.relay.testing.RedisServer;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's HAProxy in front of two relay nodes (one private PostgreSQL, one redis-server), with the configuration of
 * docs/relay.md; two language servers know only HAProxy's URL. The node holding their connections is SIGKILLed: their
 * relay clients reconnect through HAProxy, land on the other node, resync and converge. Skipped when
 * {@code haproxy}, {@code postgresql} or {@code redis-server} is not installed.
 */
class HaproxyClusterTest {
    @TempDir
    Path tmp;

    @Test
    void languageServersBehindHaproxyReconnectToTheSurvivingNodeAndResync() throws Exception {
        HaproxyServer.assumeInstalled();
        PostgresServer.assumeInstalled();
        RedisServer.assumeInstalled();
        RelayClusterFailoverTest.useRelayJar();
        try (PostgresServer pg = PostgresServer.start(); RedisServer redis = RedisServer.start()) {
            String store = pg.createDatabase();
            try (RelayProcess n1 = RelayProcess.start(tmp.resolve("n1"), "--store", store, "--redis", redis.url());
                 RelayProcess n2 = RelayProcess.start(tmp.resolve("n2"), "--store", store, "--redis", redis.url());
                 HaproxyServer lb = HaproxyServer.start(List.of("127.0.0.1:" + n1.port(), "127.0.0.1:" + n2.port()));
                 Session s = new Session(tmp.resolve("s"), lb.url())) {
                s.addEditor(Ordering.VSCODE, null);
                s.addEditor(Ordering.NEOVIM, null);
                String link = s.share("notes.md", "shared line\n");
                assertThat(InviteLink.parse(link).relay().toString()).isEqualTo(lb.url());
                s.join(1);
                assertThat(s.awaitConverged(15_000)).isEqualTo("shared line\n");

                // Kill the node with the most member connections (leastconn may have put both on one node).
                double c1 = connections(n1);
                double c2 = connections(n2);
                assertThat(c1 + c2).as("both members are connected through haproxy").isGreaterThanOrEqualTo(2);
                RelayProcess victim = c1 >= c2 ? n1 : n2;
                RelayProcess survivor = victim == n1 ? n2 : n1;
                victim.kill();
                s.editors.get(0).edit(s.uris.get(0), 0, 0, "A ");
                s.editors.get(1).edit(s.uris.get(1), 0, 0, "B ");
                String text;
                try {
                    text = s.awaitConverged(30_000);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nhaproxy log:\n" + lb.log(), e);
                }
                assertThat(text).isIn("A B shared line\n", "B A shared line\n");
                assertThat(connections(survivor)).as("every member now on the survivor").isGreaterThanOrEqualTo(2);
                assertSurvivorServes(survivor, InviteLink.parse(link), text);
            }
        }
    }

    /** The relay's {@code weft_connections} gauge. */
    static double connections(RelayProcess n) throws Exception {
        for (String line : RelayProcess.Http.get(n.url() + "/metrics").body().split("\n")) {
            if (line.startsWith("weft_connections ")) {
                return Double.parseDouble(line.substring("weft_connections ".length()).trim());
            }
        }
        throw new AssertionError("no weft_connections in " + n.url() + "/metrics");
    }

    /** A fresh reader on {@code n} syncs {@code notes.md} and gets {@code text} (20 s at most). */
    static void assertSurvivorServes(RelayProcess n, InviteLink l, String text) throws Exception {
        try (WeftTestClient r = JavaWeftClient.connect(n.url())) {
            r.join(new RoomCredentials(l.room(), l.secret(), l.secret()), l.secret(), 99, "reader");
            TextDocument replica = new TextDocument(4242);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!replica.getText().equals(text)) {
                assertThat(System.nanoTime()).as("%s serves '%s', has '%s'", n.url(), text, replica.getText())
                        .isLessThan(deadline);
                r.send(new Message.SyncRequest("notes.md", replica.version()));
                replica.applyUpdate(r.expect(Message.SyncReply.class, x -> true, WeftTestClient.TIMEOUT).update());
                Thread.sleep(100);
            }
        }
    }
}

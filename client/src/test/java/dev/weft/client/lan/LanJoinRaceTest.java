package dev.weft.client.lan;

import static dev.weft.client.lan.LanNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SharedDocument;
import dev.weft.client.lan.secure.SecureChannel;
import dev.weft.sync.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document created on a peer while another node is joining it: the peer's Welcome (its document list) is already
 * sent, and its side of the link is not identified yet, so neither the list nor the creation names the document.
 * The joiner must still learn it, with its content, at once — not on the document's next change.
 */
class LanJoinRaceTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void documentCreatedWhileAPeerIsJoiningReachesItWithItsTextWithoutAnotherChange() throws Exception {
        LanLink link = LanLink.newRoom("joinrace");
        try (LanChannel p = LanNodes.start(link, tmp.resolve("p"))) {
            SharedDocument old = LanNodes.open(p, "old.md", 1);
            old.insert(0, "there before").join();
            assertThat(old.awaitAllAcked(T)).isTrue();
            // The joiner's Hello (its first frame after the handshake) waits in the proxy: p's link stays OPEN.
            try (HoldingProxy proxy = new HoldingProxy(p.port(), SecureChannel.INITIATOR_HANDSHAKE_BYTES);
                 LanChannel j = LanChannel.start(LanOptions.of(link, tmp.resolve("j")).withDiscovery(false)
                         .withBind(InetAddress.getLoopbackAddress(), 0).withPeers(List.of(
                                 new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()))))) {
                Set<String> added = ConcurrentHashMap.newKeySet();
                j.addMessageListener(m -> {
                    if (m instanceof Message.DocAdded a) {
                        added.add(a.doc());
                    }
                });
                assertThat(proxy.passed.await(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
                // j identified p: p's Hello and Welcome (naming old.md only) are out, so p's link is registered.
                await("j sees p's Hello", T, () -> j.peerCount() == 1);
                SharedDocument created = LanNodes.open(p, "new.md", 2);
                created.insert(0, "created while j was joining").join();
                assertThat(created.awaitAllAcked(T)).isTrue();
                proxy.release();

                await("j holds new.md with its text (no further change on p)", T,
                        () -> "created while j was joining".equals(j.text("new.md")));
                assertThat(j.text("old.md")).isEqualTo("there before");
                assertThat(added).contains("new.md");
                assertThat(j.awaitFirstPeerSync(T)).isTrue();
                created.close();
            }
            old.close();
        }
    }
}

package dev.weft.client.lan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.client.SharedDocument;
import dev.weft.client.lan.discovery.LanBrowser;
import dev.weft.client.lan.discovery.LanDiscovery;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a LAN session picker learns by browsing mDNS on loopback: a room tag, a node id, a port, addresses and the
 * label only if the host chose one — never a secret, the room id, a document name or content.
 */
class LanBrowserTest {
    @TempDir
    Path tmp;

    @Test
    void aBrowserSeesTagNodePortAndTheChosenLabelButNoSecretRoomIdOrContent() throws Exception {
        LanLink link = LanLink.newRoom("lan-0a1b2c3d4e5f");
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (LanChannel labelled = LanChannel.start(LanOptions.of(link, tmp.resolve("a")).withBind(lo, 0));
             LanChannel plain = LanChannel.start(LanOptions.of(link, tmp.resolve("b")).withBind(lo, 0))) {
            SharedDocument d = LanNodes.open(labelled, "private-plans.md", 1);
            d.insert(0, "the confidential content").join();
            LanDiscovery da;
            LanDiscovery db;
            LanBrowser browser;
            try {
                da = LanDiscovery.start(labelled, "  Ada's notes ", m -> { });
                db = LanDiscovery.start(plain, m -> { });
                browser = LanBrowser.start(lo);
            } catch (IOException e) {
                Assumptions.abort("no multicast on loopback here: " + e);
                return;
            }
            try {
                String nodeA = Long.toHexString(labelled.nodeId());
                String nodeB = Long.toHexString(plain.nodeId());
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                List<LanBrowser.Advertisement> ads;
                while (true) {
                    ads = browser.list(Duration.ofSeconds(2));
                    if (find(ads, nodeA).isPresent() && find(ads, nodeB).isPresent()) {
                        break;
                    }
                    assertThat(System.nanoTime()).as("both nodes advertised; seen %s", ads).isLessThan(deadline);
                    Thread.sleep(200);
                }
                LanBrowser.Advertisement a = find(ads, nodeA).orElseThrow();
                LanBrowser.Advertisement b = find(ads, nodeB).orElseThrow();
                assertThat(a.tag()).isEqualTo(link.keys().roomTag()).isEqualTo(b.tag());
                assertThat(a.label()).isEqualTo("Ada's notes");
                assertThat(a.port()).isEqualTo(labelled.port());
                assertThat(a.addresses()).contains("127.0.0.1");
                assertThat(a.properties()).containsOnlyKeys("v", "room", "node", "label");
                assertThat(b.label()).isNull();
                assertThat(b.properties()).containsOnlyKeys("v", "room", "node");
                for (LanBrowser.Advertisement ad : List.of(a, b)) {
                    String all = ad.toString();
                    for (String leak : new String[]{link.secret(), link.readOnly().secret(), link.room(), "private",
                            "confidential"}) {
                        assertThat(all).as("the advertisement reveals nothing of the room").doesNotContain(leak);
                    }
                }
            } finally {
                browser.close();
                da.close();
                db.close();
                d.close();
            }
        }
    }

    @Test
    void aLabelIsStrippedAndOneTooLongOrWithControlCharactersIsRefused() {
        assertThat(LanDiscovery.checkLabel(null)).isNull();
        assertThat(LanDiscovery.checkLabel("  ")).isNull();
        assertThat(LanDiscovery.checkLabel(" Ada ")).isEqualTo("Ada");
        assertThatThrownBy(() -> LanDiscovery.checkLabel("x".repeat(LanDiscovery.MAX_LABEL_CHARS + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 60");
        assertThatThrownBy(() -> LanDiscovery.checkLabel("a\nb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control characters");
    }

    private static Optional<LanBrowser.Advertisement> find(List<LanBrowser.Advertisement> ads, String node) {
        return ads.stream().filter(x -> x.node().equals(node)).findFirst();
    }
}

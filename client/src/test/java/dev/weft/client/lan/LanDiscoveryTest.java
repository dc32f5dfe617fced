package dev.weft.client.lan;

import static dev.weft.client.lan.LanNodes.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SharedDocument;
import dev.weft.client.lan.discovery.LanDiscovery;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mDNS/DNS-SD discovery on loopback: members of a room find each other, another room's node is ignored. */
class LanDiscoveryTest {
    @TempDir
    Path tmp;

    @Test
    void peersOfOneRoomFindEachOtherByMdnsAndSync() throws Exception {
        LanLink link = LanLink.newRoom("mdns");
        LanLink other = LanLink.newRoom("mdns");
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (LanChannel a = LanChannel.start(LanOptions.of(link, tmp.resolve("a")).withBind(lo, 0));
             LanChannel b = LanChannel.start(LanOptions.of(link, tmp.resolve("b")).withBind(lo, 0));
             LanChannel x = LanChannel.start(LanOptions.of(other, tmp.resolve("x")).withBind(lo, 0))) {
            List<LanDiscovery> ds;
            try {
                ds = List.of(LanDiscovery.start(a, m -> { }), LanDiscovery.start(b, m -> { }),
                        LanDiscovery.start(x, m -> { }));
            } catch (java.io.IOException e) {
                Assumptions.abort("no multicast on loopback here: " + e);
                return;
            }
            try {
                SharedDocument da = LanNodes.open(a, "doc", 1);
                SharedDocument db = LanNodes.open(b, "doc", 2);
                da.insert(0, "found by mDNS").join();
                await("a and b linked by discovery", Duration.ofSeconds(30),
                        () -> a.peerCount() == 1 && b.peerCount() == 1);
                await("b has a's text", Duration.ofSeconds(10), () -> LanNodes.text(db).equals("found by mDNS"));
                assertThat(x.peerCount()).isZero();
                assertThat(x.refusedHandshakes()).isZero(); // the tag kept it from even dialing
                assertThat(x.docNames()).isEmpty();
                da.close();
                db.close();
            } finally {
                ds.forEach(LanDiscovery::close);
            }
        }
    }
}

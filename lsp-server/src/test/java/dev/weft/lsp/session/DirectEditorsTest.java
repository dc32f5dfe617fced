package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import dev.weft.client.invite.InviteLink;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Path;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two language servers with {@code transport: "direct"} against a real relay process: their members link directly
 * (QUIC on loopback), the edits they type reach each other over the direct link — the relay forwards none of them
 * ({@code weft_updates_forwarded_total} unchanged, {@code weft_updates_delivered_direct_total} grows) — and the
 * relay's durable copy still has every edit.
 */
class DirectEditorsTest {
    @TempDir
    Path tmp;

    @Test
    void editsOfTwoDirectEditorsTravelOverTheDirectLinkAndTheRelayStillStoresThem() throws Exception {
        RelayClusterFailoverTest.useRelayJar();
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"));
             Session s = new Session(tmp.resolve("s"), relay.url())) {
            s.extraInit.addProperty("transport", "direct");
            s.addEditor(Ordering.VSCODE, null);
            s.addEditor(Ordering.NEOVIM, null);
            String link = s.share("notes.md", "shared line\n");
            s.join(1);
            assertThat(s.awaitConverged(20_000)).isEqualTo("shared line\n");
            for (int i = 0; i < 2; i++) {
                WeftProtocol.Status st = s.editors.get(i).awaitStatus(x -> x.directPeers == 1, 30_000);
                assertThat(st.transport).isEqualTo("direct");
            }
            Thread.sleep(300); // both UP signals reach the relay
            long forwarded = relay.metric("weft_updates_forwarded_total");
            long direct = relay.metric("weft_updates_delivered_direct_total");
            for (int i = 0; i < 20; i++) {
                int e = i % 2;
                s.editors.get(e).edit(s.uris.get(e), 0, 0, e == 0 ? "a" : "b");
                s.awaitConverged(20_000);
            }
            String text = s.awaitConverged(20_000);
            assertThat(text).hasSize("shared line\n".length() + 20);
            assertThat(relay.metric("weft_updates_forwarded_total")).as("the relay forwarded none of the edits")
                    .isEqualTo(forwarded);
            assertThat(relay.metric("weft_updates_delivered_direct_total") - direct).isGreaterThanOrEqualTo(20);
            // The relay's durable copy is complete.
            HaproxyClusterTest.assertSurvivorServes(relay, InviteLink.parse(link), text);
        }
    }

    @Test
    void directNeedsARelayLinkAndTheInMemoryRelayRefusesIt() throws Exception {
        try (Session s = new Session(tmp)) {
            s.extraInit.addProperty("transport", "direct");
            s.addEditor(Ordering.VSCODE, null);
            assertThatThrownBy(() -> s.share("notes.md", "x\n")).hasCauseInstanceOf(ResponseErrorException.class)
                    .hasMessageContaining("transport direct");
            JsonObject bad = new JsonObject();
            bad.addProperty("link", "weft://lan?room=r1&secret=abc");
            bad.addProperty("transport", "direct");
            assertThatThrownBy(() -> s.editors.get(0).command(WeftProtocol.JOIN, bad))
                    .hasMessageContaining("joined over the LAN");
            JsonObject unknown = new JsonObject();
            unknown.addProperty("transport", "carrier-pigeon");
            assertThatThrownBy(() -> s.editors.get(0).command(WeftProtocol.SHARE, unknown))
                    .hasMessageContaining("unknown transport 'carrier-pigeon'");
        }
    }
}

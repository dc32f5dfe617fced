package dev.weft.lsp.session;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.client.testing.InMemoryRelay;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JournalRestartTest {
    @TempDir
    Path tmp;

    @Test
    void editingOfflineAndRestartingOfflineLosesNothing() throws Exception {
        try (Session s = new Session(tmp)) {
            s.addEditor(Ordering.VSCODE, null);
            s.addEditor(Ordering.NEOVIM, null);
            s.share("notes.md", "shared line\n");
            s.join(1);
            s.awaitConverged(10_000);

            // The relay goes away; editor 0 keeps typing offline, then its editor (and server) is closed.
            s.relay.setDown(true);
            for (InMemoryRelay.Member m : s.relay.members()) {
                m.disconnect();
            }
            Thread.sleep(100);
            SimulatedEditor a = s.editors.get(0);
            String uri = s.uris.get(0);
            a.edit(uri, 12, 12, "offline edit\n");
            Thread.sleep(100);
            a.close();

            // A new server with the same data directory rejoins while the relay is still down: from the journal.
            JsonObject opts = new JsonObject();
            opts.addProperty("userName", "user0");
            opts.addProperty("dataDir", tmp.resolve("data0").toString());
            SimulatedEditor a2 = new SimulatedEditor(Ordering.VSCODE, null, s.connector(), s.workspace(0), opts);
            s.editors.set(0, a2);
            a2.messageRequestAnswer = "Overwrite"; // the file on disk is older than the journal: user agrees
            JsonObject args = new JsonObject();
            args.addProperty("link", s.link);
            Object res = a2.command(WeftProtocol.JOIN, args);
            String uri2 = new Gson().toJsonTree(res).getAsJsonObject().getAsJsonArray("documents").get(0).getAsString();
            String onDisk = Files.readString(Path.of(java.net.URI.create(uri2)), StandardCharsets.UTF_8);
            assertThat(onDisk).isEqualTo("shared line\noffline edit\n");
            a2.open(uri2, onDisk);
            s.uris.set(0, uri2);
            while (a2.serverImpl().session().bindingOf(uri2) == null) {
                Thread.sleep(2);
            }
            a2.edit(uri2, 0, 0, "# ");   // still offline, after the restart

            // The relay comes back: everyone syncs by version vector.
            s.relay.setDown(false);
            reconnectAll(s);
            assertThat(s.awaitConverged(15_000)).isEqualTo("# shared line\noffline edit\n");
        }
    }

    private static void reconnectAll(Session s) {
        // Members that were disconnected while the relay was down retry when it is up (as RelayClient does).
        for (SimulatedEditor e : s.editors) {
            var room = e.serverImpl().session().room();
            if (room != null && room.client instanceof InMemoryRelay.Member m) {
                m.reconnect();
            }
        }
    }
}

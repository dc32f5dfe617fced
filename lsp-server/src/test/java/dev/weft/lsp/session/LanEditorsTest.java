package dev.weft.lsp.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.weft.client.lan.LanLink;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Language servers in LAN rooms (docs/protocol.md, "LAN sessions in editors"), with no relay anywhere: the servers'
 * relay URL points at a closed port, so anything that went through a relay would fail. Nodes listen on loopback.
 */
class LanEditorsTest {
    /** A relay URL nothing listens on. */
    private static final String NO_RELAY = "http://127.0.0.1:1";
    private final Gson gson = new Gson();

    @TempDir
    Path tmp;

    @Test
    void twoEditorsShareAndCoEditOverTheLanWithNoRelayAndAReaderStaysReadOnly() throws Exception {
        try (Session s = new Session(tmp, NO_RELAY)) {
            s.extraInit.addProperty("lanBind", "127.0.0.1");
            s.extraInit.addProperty("lanDiscovery", false);
            s.addEditor(Ordering.VSCODE, null);
            s.extraInit.addProperty("transport", "relay"); // the joiners' setting: a LAN link still joins the LAN
            s.addEditor(Ordering.NEOVIM, null);
            s.addEditor(Ordering.EGLOT, null);
            SimulatedEditor host = s.editors.get(0);
            JsonObject shareArgs = new JsonObject();
            shareArgs.addProperty("transport", "lan");
            String link = shareLan(s, "notes.md", "first line\n", shareArgs);
            assertThat(link).startsWith("weft://lan?room=lan-");
            JsonObject hostStatus = json(host.command(WeftProtocol.STATUS, null));
            assertThat(hostStatus.get("transport").getAsString()).isEqualTo("lan");
            int port = hostStatus.get("lanPort").getAsInt();
            assertThat(port).isPositive();

            s.join(1, joinArgs(link, port));
            assertThat(s.awaitConverged(20_000)).isEqualTo("first line\n");
            s.editors.get(0).edit(s.uris.get(0), 0, 0, "A ");
            s.editors.get(1).edit(s.uris.get(1), 0, 0, "B ");
            String text = s.awaitConverged(20_000);
            assertThat(text).isIn("A B first line\n", "B A first line\n");
            JsonObject joinerStatus = json(s.editors.get(1).command(WeftProtocol.STATUS, null));
            assertThat(joinerStatus.get("transport").getAsString()).isEqualTo("lan");
            assertThat(joinerStatus.get("role").getAsString()).isEqualTo("editor");
            assertThat(joinerStatus.get("inviteLink").getAsString()).isEqualTo(link);
            // Presence crosses the LAN too: each sees the other.
            s.editors.get(1).awaitStatus(st -> st.participants.stream().anyMatch(p -> p.name.equals("user0")), 20_000);

            String readOnly = hostStatus.get("readOnlyInviteLink").getAsString();
            assertThat(readOnly).isEqualTo(LanLink.parse(link).readOnly().format());
            s.join(2, joinArgs(readOnly, port));
            s.awaitConverged(20_000);
            JsonObject readerStatus = json(s.editors.get(2).command(WeftProtocol.STATUS, null));
            assertThat(readerStatus.get("role").getAsString()).isEqualTo("read-only");
            assertThat(readerStatus.has("inviteLink")).as("a reader has no editor link").isFalse();
            s.editors.get(0).edit(s.uris.get(0), 0, 0, "C ");
            assertThat(s.awaitConverged(20_000)).startsWith("C ");
        }
    }

    @Test
    void aLanLinkWithTheWrongSecretGetsNoPeerAndTheJoinFailsWithoutWritingAnything() throws Exception {
        try (Session s = new Session(tmp, NO_RELAY)) {
            s.extraInit.addProperty("lanBind", "127.0.0.1");
            s.extraInit.addProperty("lanDiscovery", false);
            s.extraInit.addProperty("transport", "lan");
            s.addEditor(Ordering.VSCODE, null);
            s.addEditor(Ordering.VSCODE, null);
            String link = shareLan(s, "notes.md", "secret text\n", new JsonObject());
            int port = json(s.editors.get(0).command(WeftProtocol.STATUS, null)).get("lanPort").getAsInt();
            LanLink good = LanLink.parse(link);
            String wrong = new LanLink(good.room(), LanLink.newRoom("x").secret(), true).format();
            assertThatThrownBy(() -> s.editors.get(1).command(WeftProtocol.JOIN, joinArgs(wrong, port)))
                    .hasCauseInstanceOf(ResponseErrorException.class)
                    .hasMessageContaining("no LAN peer of room " + good.room());
            assertThat(s.workspace(1)).isEmptyDirectory();
            // A relay link cannot be joined with transport lan, nor a LAN link with transport relay.
            JsonObject bad = joinArgs(link, port);
            bad.addProperty("transport", "relay");
            assertThatThrownBy(() -> s.editors.get(1).command(WeftProtocol.JOIN, bad))
                    .hasCauseInstanceOf(ResponseErrorException.class).hasMessageContaining("joined over the LAN");
        }
    }

    @Test
    void lanSessionsShowsAnAdvertisedRoomWithoutItsSecretOrContentAndItsPeersJoinIt() throws Exception {
        try (Session s = new Session(tmp, NO_RELAY)) {
            s.extraInit.addProperty("lanBind", "127.0.0.1");
            s.extraInit.addProperty("transport", "lan");
            s.extraInit.addProperty("lanLabel", "Ada's notes");
            s.addEditor(Ordering.VSCODE, null);
            s.extraInit.remove("lanLabel");
            s.addEditor(Ordering.VSCODE, null);
            String link = shareLan(s, "thesis.tex", "confidential draft\n", new JsonObject());
            LanLink l = LanLink.parse(link);
            SimulatedEditor guest = s.editors.get(1);

            JsonObject unknown = awaitSession(guest, new JsonObject(), l.keys().roomTag());
            assertThat(unknown.get("label").getAsString()).isEqualTo("Ada's notes");
            assertThat(unknown.get("known").getAsBoolean()).isFalse();
            assertThat(unknown.has("room")).isFalse();
            assertThat(unknown.has("link")).isFalse();
            String all = gson.toJson(guest.command(WeftProtocol.LAN_SESSIONS, new JsonObject()));
            for (String leak : new String[]{l.secret(), l.readOnly().secret(), l.room(), "thesis", "confidential"}) {
                assertThat(all).as("weft.lanSessions reveals nothing of the room").doesNotContain(leak);
            }

            JsonObject withLink = new JsonObject();
            JsonArray links = new JsonArray();
            links.add("weft://join?relay=http%3A%2F%2Fx&room=r&secret=s"); // not a LAN link: matches nothing
            links.add(l.readOnly().format());
            withLink.add("links", links);
            JsonObject known = awaitSession(guest, withLink, l.keys().roomTag());
            assertThat(known.get("known").getAsBoolean()).isTrue();
            assertThat(known.get("room").getAsString()).isEqualTo(l.room());
            assertThat(known.get("link").getAsString()).isEqualTo(l.readOnly().format());

            // The picker's join: the link the user holds, the peers the session listed (mDNS would find them too).
            JsonObject args = new JsonObject();
            args.addProperty("link", link);
            args.add("peers", known.get("peers"));
            s.join(1, args);
            assertThat(s.awaitConverged(20_000)).isEqualTo("confidential draft\n");
            JsonObject mine = awaitSession(guest, new JsonObject(), l.keys().roomTag());
            assertThat(mine.get("current").getAsBoolean()).as("the host's node is in our room").isTrue();
            assertThat(mine.get("known").getAsBoolean()).as("a link this server used is known").isTrue();
        }
    }

    /** Editor 0 writes, opens and shares {@code name} with {@code args}; returns the invite link. */
    private String shareLan(Session s, String name, String text, JsonObject args) throws Exception {
        SimulatedEditor e = s.editors.get(0);
        Path p = s.workspace(0).resolve(name);
        java.nio.file.Files.writeString(p, text);
        String uri = p.toUri().toString();
        e.open(uri, text);
        s.uris.set(0, uri);
        JsonObject res = json(e.command(WeftProtocol.SHARE, args));
        s.link = res.get("inviteLink").getAsString();
        assertThat(res.get("transport").getAsString()).isEqualTo("lan");
        return s.link;
    }

    private static JsonObject joinArgs(String link, int port) {
        JsonObject args = new JsonObject();
        args.addProperty("link", link);
        JsonArray peers = new JsonArray();
        peers.add("127.0.0.1:" + port);
        args.add("peers", peers);
        return args;
    }

    /** Polls {@code weft.lanSessions} until the room with {@code tag} shows (skips the test without mDNS). */
    private JsonObject awaitSession(SimulatedEditor e, JsonObject args, String tag) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            JsonObject res;
            try {
                res = json(e.command(WeftProtocol.LAN_SESSIONS, args));
            } catch (ExecutionException ex) {
                Assumptions.assumeFalse(String.valueOf(ex.getCause().getMessage()).contains("mDNS does not run"),
                        "no multicast on loopback here: " + ex.getCause().getMessage());
                throw ex;
            }
            for (var el : res.getAsJsonArray("sessions")) {
                if (el.getAsJsonObject().get("tag").getAsString().equals(tag)) {
                    return el.getAsJsonObject();
                }
            }
            assertThat(System.currentTimeMillis()).as("room tag %s advertised; seen %s", tag, res).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private JsonObject json(Object o) {
        return gson.toJsonTree(o).getAsJsonObject();
    }
}

package dev.weft.lsp.workspace;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.weft.client.lan.LanChannel;
import dev.weft.client.lan.LanLink;
import dev.weft.client.lan.LanOptions;
import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.Workspace;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.session.RoomConnector;
import dev.weft.lsp.testing.SimulatedEditor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.weft.lsp.workspace.LanguageServerWorkspaceTest.awaitBound;
import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.tree;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static dev.weft.lsp.workspace.WorkspaceFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole folders over the LAN with no relay at all (docs/workspace.md, "LAN folders"): Alice's language server
 * shares her workspace with {@code transport: "lan"}, Bob's joins the {@code weft://lan?…} link into his folder, and
 * a headless folder peer (the engine {@code bin/weft join --lan} runs) joins too; creations, renames, deletions and
 * typing converge on every disk as they do through a relay.
 */
class LanWorkspaceTest {
    private static final Gson GSON = new Gson();

    @TempDir
    Path tmp;

    @Test
    void editorsAndAHeadlessPeerMirrorAWholeFolderOverTheLanWithNoRelay() throws Exception {
        Path a = tmp.resolve("alice");
        Path b = tmp.resolve("bob");
        Path c = tmp.resolve("carol");
        write(a.resolve("a.txt"), "aaa\n");
        write(a.resolve("b.txt"), "bbb\n");
        write(a.resolve("dir/c.txt"), "ccc\n");
        try (SimulatedEditor alice = lanEditor("alice", List.of(a));
             SimulatedEditor bob = lanEditor("bob", List.of(b))) {
            JsonObject shareArgs = new JsonObject();
            shareArgs.addProperty("transport", "lan");
            JsonObject shared = json(alice.commandAsync(WeftProtocol.SHARE_WORKSPACE, shareArgs)
                    .get(120, TimeUnit.SECONDS));
            String link = shared.get("inviteLink").getAsString();
            assertThat(link).startsWith("weft://lan?room=lan-");
            assertThat(shared.get("files").getAsInt()).isEqualTo(3);
            JsonObject status = json(alice.command(WeftProtocol.STATUS, null));
            assertThat(status.get("transport").getAsString()).isEqualTo("lan");
            int port = status.get("lanPort").getAsInt();

            JsonObject joinArgs = new JsonObject();
            joinArgs.addProperty("link", link);
            JsonArray peers = new JsonArray();
            peers.add("127.0.0.1:" + port);
            joinArgs.add("peers", peers);
            JsonObject joined = json(bob.commandAsync(WeftProtocol.JOIN, joinArgs).get(120, TimeUnit.SECONDS));
            assertThat(joined.get("workspace").getAsBoolean()).as("joined as a shared folder").isTrue();
            assertThat(joined.get("files").getAsInt()).isEqualTo(3);
            assertThat(tree(b)).isEqualTo(tree(a));

            try (LanChannel node = LanChannel.start(LanOptions.of(LanLink.parse(link), tmp.resolve("data-c"))
                    .withDiscovery(false).withBind(InetAddress.getLoopbackAddress(), 0)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))))) {
                assertThat(node.awaitFirstPeerSync(Duration.ofSeconds(30))).isTrue();
                Files.createDirectories(c);
                ChannelPool pool = new ChannelPool(node, () -> node, Integer.MAX_VALUE);
                Workspace carol = Workspace.start(Workspace.Options.of(c, n -> { }), pool);
                carol.settled().get(60, TimeUnit.SECONDS);
                assertThat(tree(c)).isEqualTo(tree(a));

                // Bob's Explorer: a new file, a rename into a new folder, a deletion.
                WorkspaceFixtures.explorerCreateRenameDelete(bob, b);
                Map<String, String> expected = Map.of("new.txt", "fresh\n", "renamed/b2.txt", "bbb\n",
                        "dir/c.txt", "ccc\n");
                await("Alice's and Carol's disks follow Bob's", 10_000, () -> sameTree(a, expected)
                        && sameTree(c, expected));

                // Carol (headless) deletes a folder's file and creates one; the editors' disks follow.
                Files.delete(c.resolve("dir/c.txt"));
                write(c.resolve("dir/d.txt"), "ddd\n");
                carol.sync().get(30, TimeUnit.SECONDS);
                Map<String, String> after = Map.of("new.txt", "fresh\n", "renamed/b2.txt", "bbb\n",
                        "dir/d.txt", "ddd\n");
                await("Alice's and Bob's disks follow Carol's", 10_000, () -> sameTree(a, after)
                        && sameTree(b, after));

                // Alice types in the new file in her editor: Bob's and Carol's disks get it.
                String nu = uri(a.resolve("new.txt"));
                alice.open(nu, read(a.resolve("new.txt")));
                awaitBound(alice, nu);
                alice.edit(nu, 0, 0, "very ");
                await("Alice's typing on Bob's and Carol's disks", 10_000,
                        () -> "very fresh\n".equals(read(b.resolve("new.txt")))
                                && "very fresh\n".equals(read(c.resolve("new.txt"))));
                assertThat(carol.close(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    /** A language server on loopback LAN (no mDNS) with the given workspace folders. */
    private SimulatedEditor lanEditor(String user, List<Path> folders) throws Exception {
        JsonObject opts = new JsonObject();
        opts.addProperty("userName", user);
        opts.addProperty("dataDir", tmp.resolve("data-" + user).toString());
        opts.addProperty("lanBind", "127.0.0.1");
        opts.addProperty("lanDiscovery", false);
        for (Path f : folders) {
            Files.createDirectories(f);
        }
        return new SimulatedEditor(SimulatedEditor.Ordering.VSCODE, RoomConnector.RELAY, folders, opts);
    }

    private static boolean sameTree(Path dir, Map<String, String> expected) {
        try {
            return tree(dir).equals(expected);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static JsonObject json(Object o) {
        return GSON.toJsonTree(o).getAsJsonObject();
    }
}

package dev.weft.lsp.workspace;

import dev.weft.client.workspace.CliFixtures;
import com.google.gson.JsonObject;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.relay.testing.RelayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.weft.lsp.workspace.GitAuthorshipInEditorsTest.editor;
import static dev.weft.lsp.workspace.GitAuthorshipInEditorsTest.git;
import static dev.weft.lsp.workspace.GitAuthorshipInEditorsTest.result;
import static dev.weft.lsp.workspace.GitAuthorshipInEditorsTest.uriArg;
import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Branch-scoped shared workspaces in editors ({@code docs/git.md}, "Editors on branches"): in-process language
 * servers on a real relay process, each in its own clone made with the git CLI (no name configured in the
 * editor: git's is used), following real {@code git checkout}s.
 */
class BranchScopedEditorsTest {
    static final String MAIN = "one\ntwo\nthree\n";
    static final String FEATURE = "one\ntwo on feature\nthree\n";

    @TempDir
    Path tmp;

    @Test
    void twoEditorsOnMainCoEditWhileAThirdOnFeatureNeverReceivesAndEveryoneIsToldWhoIsWhere() throws Exception {
        try (Trio t = Trio.start(tmp)) {
            t.alice.edit(t.ua, 0, 0, "alice was here\n");
            t.bob.awaitText(t.ub, x -> x.startsWith("alice was here\n"), 10_000);
            t.bob.edit(t.ub, t.bob.text(t.ub).length(), t.bob.text(t.ub).length(), "bob too\n");
            String main = "alice was here\n" + MAIN + "bob too\n";
            t.alice.awaitText(t.ua, main::equals, 10_000);
            t.carol.edit(t.uc, 0, 0, "carol on feature\n");
            String feature = "carol on feature\n" + FEATURE;
            // Carol's edit is on its way to the relay and back to nobody on main: give stray edits time to arrive.
            assertThat(acked(t.carol, t.uc)).isTrue();
            Thread.sleep(1_000);
            assertThat(t.alice.text(t.ua)).isEqualTo(main);
            assertThat(t.bob.text(t.ub)).isEqualTo(main);
            assertThat(t.carol.text(t.uc)).isEqualTo(feature);
            assertThat(read(t.c.resolve("notes.txt"))).as("Carol's disk (the editor owns it)").isEqualTo(FEATURE);
            assertThat(read(t.a.resolve("f.txt"))).as("a file only on feature").isNull();
            assertThat(read(t.c.resolve("f.txt"))).isEqualTo("only on feature\n");

            // Where everyone is.
            awaitMessage(t.alice, "Carol is on feature");
            awaitMessage(t.alice, "Bob is on main (with you)");
            awaitMessage(t.carol, "Alice is on main");

            // Blame keeps working in a branch-scoped room: the branch's text, its typists.
            JsonObject blame = result(t.alice.command(WeftProtocol.BLAME, uriArg(t.ua)));
            List<String> lines = new ArrayList<>();
            for (var l : blame.getAsJsonArray("lines")) {
                lines.add(l.getAsJsonObject().get("line").getAsInt() + ":" + l.getAsJsonObject().get("authors"));
            }
            assertThat(lines).containsExactly("0:[\"Alice\"]", "1:[]", "2:[]", "3:[]", "4:[\"Bob\"]");
        }
    }

    @Test
    void anEditorThatChecksOutAnotherBranchMidSessionLosesNothingAndCarriesNothingAcross() throws Exception {
        try (Trio t = Trio.start(tmp)) {
            t.alice.edit(t.ua, 0, 0, "A1\n");
            t.bob.awaitText(t.ub, x -> x.startsWith("A1\n"), 10_000);
            t.carol.edit(t.uc, 0, 0, "C1\n");

            // While git holds the index lock (git status, add, commit…) Bob's typing waits, then goes out.
            Path lock = t.b.resolve(".git/index.lock");
            Files.createFile(lock);
            t.bob.edit(t.ub, 0, 0, "held ");
            Thread.sleep(600);
            assertThat(t.alice.text(t.ua)).as("typing held while git is busy").isEqualTo("A1\n" + MAIN);
            Files.delete(lock);
            String main = "held A1\n" + MAIN;
            t.alice.awaitText(t.ua, main::equals, 10_000);

            // Bob checks out feature (his buffer is dirty: the editor does not reload it) and types at once, while
            // the move is under way: that typing was made on main's text, so it goes to main, not to feature.
            git(t.b, "checkout", "-q", "-f", "feature");
            t.bob.edit(t.ub, t.bob.text(t.ub).length(), t.bob.text(t.ub).length(), "typed during the switch\n");
            main += "typed during the switch\n";
            String feature = "C1\n" + FEATURE;
            t.bob.awaitText(t.ub, feature::equals, 20_000);
            t.alice.awaitText(t.ua, main::equals, 10_000);
            awaitMessage(t.bob, "now on feature");
            awaitMessage(t.alice, "Bob is on feature");

            // On feature, Bob co-edits with Carol; Alice (main) never sees it, and types on main meanwhile.
            t.bob.edit(t.ub, feature.length(), feature.length(), "B2 on feature\n");
            feature += "B2 on feature\n";
            t.carol.awaitText(t.uc, feature::equals, 10_000);
            t.alice.edit(t.ua, main.length(), main.length(), "A2 while Bob is away\n");
            main += "A2 while Bob is away\n";
            assertThat(acked(t.alice, t.ua)).isTrue();

            // Back to main; this time the editor reloads the file git rewrote (a clean buffer in VS Code): the
            // reload is not an edit of feature, and Bob gets main's live text, his own earlier typing included.
            git(t.b, "checkout", "-q", "-f", "main");
            t.bob.replaceAll(t.ub, read(t.b.resolve("notes.txt")));
            String mainNow = main;
            t.bob.awaitText(t.ub, mainNow::equals, 20_000);
            Thread.sleep(1_000);
            assertThat(t.carol.text(t.uc)).as("feature got nothing from main").isEqualTo(feature);
            assertThat(t.alice.text(t.ua)).as("main got nothing from feature").isEqualTo(main);
            assertThat(t.bob.text(t.ub)).isEqualTo(main);

            // Nothing is kept aside (nothing was typed while the buffer was between branches), and typing goes on.
            assertThat(Files.exists(t.b.resolve("notes.txt.weft-local"))).isFalse();
            t.bob.edit(t.ub, 0, 0, "B3\n");
            t.alice.awaitText(t.ua, ("B3\n" + mainNow)::equals, 10_000);
        }
    }

    /**
     * Three editors on a real relay process, each in its own clone (git CLI) of {@link #origin}: Alice shares hers
     * branch-scoped on main, Bob joins on main, Carol on feature; each has notes.txt open and bound.
     */
    static final class Trio implements AutoCloseable {
        final Path a;
        final Path b;
        final Path c;
        final RelayProcess relay;
        final SimulatedEditor alice;
        final SimulatedEditor bob;
        final SimulatedEditor carol;
        final String ua;
        final String ub;
        final String uc;

        private Trio(Path tmp) throws Exception {
            Path origin = origin(tmp);
            a = cloneFor(origin, "Alice");
            b = cloneFor(origin, "Bob");
            c = cloneFor(origin, "Carol");
            git(c, "checkout", "-q", "feature");
            relay = RelayProcess.start(tmp.resolve("relay"));
            alice = editor(tmp.resolve("data-a"), a, null);
            bob = editor(tmp.resolve("data-b"), b, null);
            carol = editor(tmp.resolve("data-c"), c, null);
            ua = uri(a.resolve("notes.txt"));
            ub = uri(b.resolve("notes.txt"));
            uc = uri(c.resolve("notes.txt"));
        }

        static Trio start(Path tmp) throws Exception {
            Trio t = new Trio(tmp);
            try {
                JsonObject shared = shareBranches(t.alice, t.relay.url());
                assertThat(shared.get("branch").getAsString()).isEqualTo("main");
                String link = shared.get("inviteLink").getAsString();
                assertThat(join(t.bob, link).get("branch").getAsString()).isEqualTo("main");
                assertThat(join(t.carol, link).get("branch").getAsString()).isEqualTo("feature");
                for (var e : List.of(java.util.Map.entry(t.alice, t.a), java.util.Map.entry(t.bob, t.b),
                        java.util.Map.entry(t.carol, t.c))) {
                    String u = uri(e.getValue().resolve("notes.txt"));
                    e.getKey().open(u, read(e.getValue().resolve("notes.txt")));
                    LanguageServerWorkspaceTest.awaitBound(e.getKey(), u);
                }
                return t;
            } catch (Exception | AssertionError e) {
                t.close();
                throw e;
            }
        }

        @Override
        public void close() {
            carol.close();
            bob.close();
            alice.close();
            relay.close();
        }
    }

    /**
     * {@code weft.shareWorkspace} with {@code branches: true}; the result as JSON. A relay just started on a loaded
     * machine may not admit the first connection in time: "relay unreachable" is retried twice.
     */
    static JsonObject shareBranches(SimulatedEditor e, String relayUrl) throws Exception {
        JsonObject args = new JsonObject();
        args.addProperty("relayUrl", relayUrl);
        args.addProperty("branches", true);
        for (int attempt = 1; ; attempt++) {
            try {
                return result(e.commandAsync(WeftProtocol.SHARE_WORKSPACE, args).get(120, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException x) {
                if (attempt == 3 || !String.valueOf(x.getMessage()).contains("relay unreachable")) {
                    throw x;
                }
            }
        }
    }

    /** Waits until the relay has acknowledged every edit typed in {@code uri}'s buffer. */
    static boolean acked(SimulatedEditor e, String uri) throws InterruptedException {
        return e.serverImpl().session().bindingOf(uri).shared().awaitAllAcked(java.time.Duration.ofSeconds(10));
    }

    static void awaitMessage(SimulatedEditor e, String part) throws InterruptedException {
        await("a message containing '" + part + "'", 20_000, () -> e.shownMessages.stream()
                .anyMatch(m -> m.contains(part)), e.shownMessages::toString);
    }

    /** A bare origin under {@code base}: main has notes.txt; feature changes its second line and adds f.txt. */
    static Path origin(Path base) throws Exception {
        Path seed = CliFixtures.committedRepo(base.resolve("seed"), "Seed", "seed@example.com", MAIN);
        git(seed, "checkout", "-q", "-b", "feature");
        Files.writeString(seed.resolve("notes.txt"), FEATURE);
        Files.writeString(seed.resolve("f.txt"), "only on feature\n");
        git(seed, "add", "-A");
        git(seed, "commit", "-q", "-m", "feature");
        git(seed, "checkout", "-q", "main");
        Path origin = base.resolve("origin.git");
        git(base, "clone", "-q", "--bare", seed.toString(), origin.toString());
        return origin;
    }

    /** A clone of {@code origin} with {@code name} as git's user. */
    static Path cloneFor(Path origin, String name) throws Exception {
        Path dir = origin.resolveSibling(name.toLowerCase());
        git(origin.getParent(), "clone", "-q", origin.toString(), dir.toString());
        git(dir, "config", "user.name", name);
        git(dir, "config", "user.email", name.toLowerCase() + "@example.com");
        return dir;
    }
}

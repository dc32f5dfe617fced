package dev.weft.lsp.workspace;

import dev.weft.client.workspace.CliFixtures;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.session.RoomConnector;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.relay.testing.RelayProcess;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.shareWorkspace;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The language server's {@code weft.blame}, {@code weft.stageMine} and {@code weft.commit} ({@code docs/git.md},
 * "Editors"): two in-process language servers on a real relay process, each in its own clone (git CLI) with its
 * own {@code user.name}/{@code user.email}, typing through their editor buffers; results checked with the git CLI.
 */
class GitAuthorshipInEditorsTest extends AliceAndBobTest {
    private static final Gson GSON = new Gson();
    static final String HEAD = "alpha beta gamma\nsecond line\nthird line\n";

    @Test
    void eachEditorStagesItsOwnTypingAndTheCommitNamesTheCoAuthorWithTheEmailFromHerGitConfig() throws Exception {
        clones(a, "Alice", "alice@example.com", b, "Bob", "bob@example.com");
        start(() -> editor(tmp.resolve("data-a"), a, null), () -> editor(tmp.resolve("data-b"), b, null));
        shareAndOpen(relay, alice, a, bob, b);
        String ua = uri(a.resolve("notes.txt"));
        String ub = uri(b.resolve("notes.txt"));

        // Alice retypes "alpha" as "ALPHA"; Bob retypes "gamma" as "GAMMA" and adds a line.
        alice.edit(ua, 0, 5, "ALPHA");
        String both = "ALPHA beta GAMMA\nsecond line\nthird line\nbob's line\n";
        bob.awaitText(ub, t -> t.startsWith("ALPHA"), 10_000);
        bob.edit(ub, 11, 16, "GAMMA");
        bob.edit(ub, HEAD.length(), HEAD.length(), "bob's line\n");
        alice.awaitText(ua, both::equals, 10_000);
        bob.awaitText(ub, both::equals, 10_000);
        // Both save (the editor owns a leased file's disk).
        Files.writeString(a.resolve("notes.txt"), both);
        Files.writeString(b.resolve("notes.txt"), both);

        // Presence carries each one's git e-mail.
        await("Bob's e-mail in Alice's participants", 10_000, () -> alice.statuses.stream().anyMatch(s ->
                s.participants.stream().anyMatch(p -> "Bob".equals(p.name) && "bob@example.com".equals(p.email))));

        JsonObject blame = result(alice.command(WeftProtocol.BLAME, uriArg(ua)));
        List<String> lines = new ArrayList<>();
        for (var l : blame.getAsJsonArray("lines")) {
            lines.add(l.getAsJsonObject().get("line").getAsInt() + ":" + l.getAsJsonObject().get("authors"));
        }
        assertThat(lines).containsExactly("0:[\"Alice\",\"Bob\"]", "1:[]", "2:[]", "3:[\"Bob\"]");
        // A plain client (no Weft plugin) gets the same as a hover.
        assertThat(hover(alice, ua, 3)).isEqualTo("**Weft**: uncommitted changes on this line typed by Bob");
        assertThat(hover(alice, ua, 1)).isNull();

        // Each stages its own: deletions reach the other's copy of the authors log within 200 ms + transit.
        JsonObject stageA = stageUntilClean(alice, a);
        assertThat(stageA.get("as").getAsString()).isEqualTo("Alice <alice@example.com>");
        assertThat(git(a, "show", ":notes.txt")).isEqualTo("ALPHA beta gamma\nsecond line\nthird line\n");
        assertThat(git(a, "diff", "--cached")).contains("-alpha beta gamma\n+ALPHA beta gamma\n")
                .doesNotContain("GAMMA").doesNotContain("bob's line");
        assertThat(git(a, "diff")).contains("+ALPHA beta GAMMA").contains("+bob's line");

        stageUntilClean(bob, b);
        assertThat(git(b, "show", ":notes.txt")).isEqualTo("alpha beta GAMMA\nsecond line\nthird line\n"
                + "bob's line\n");
        assertThat(git(b, "diff", "--cached")).contains("-alpha beta gamma\n+alpha beta GAMMA\n")
                .contains("+bob's line").doesNotContain("ALPHA");

        // Alice commits only her own change: no trailer.
        JsonObject commitA = result(alice.command(WeftProtocol.COMMIT, gitArg(null, "Alice's part")));
        assertThat(commitA.getAsJsonArray("trailers")).isEmpty();
        assertThat(git(a, "log", "-1", "--format=%an <%ae>%n%B")).isEqualTo("Alice <alice@example.com>\n"
                + "Alice's part\n\n");

        // Bob stages everything with git (Alice's ALPHA included) and commits from his editor: Alice is named,
        // with the e-mail of her git configuration.
        commitNaming(bob, b, ub, "Both", "Alice <alice@example.com>");
        assertThat(git(b, "log", "-1", "--format=%an <%ae>")).isEqualTo("Bob <bob@example.com>\n");
        assertThat(git(b, "status", "--porcelain")).isEmpty();

        // Nothing staged any more: a clear error, no empty commit.
        assertThatThrownBy(() -> bob.command(WeftProtocol.COMMIT, gitArg(null, "again")))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("nothing is staged");
    }

    @Test
    void theEmailFromSettingsOverridesGitsInPresenceAndInTheTrailer() throws Exception {
        clones(a, "Alice", "alice@example.com", b, "Bob", "bob@example.com");
        start(() -> editor(tmp.resolve("data-a"), a, "alice@work.example"),
                () -> editor(tmp.resolve("data-b"), b, null));
        shareAndOpen(relay, alice, a, bob, b);
        String ua = uri(a.resolve("notes.txt"));
        String ub = uri(b.resolve("notes.txt"));
        alice.edit(ua, HEAD.length(), HEAD.length(), "alice's line\n");
        String text = HEAD + "alice's line\n";
        bob.awaitText(ub, text::equals, 10_000);
        Files.writeString(b.resolve("notes.txt"), text);
        await("Alice's configured e-mail in Bob's participants", 10_000, () -> bob.statuses.stream()
                .anyMatch(s -> s.participants.stream().anyMatch(p -> "alice@work.example".equals(p.email))));

        // Blame of a file outside the shared folders is refused with the reason.
        assertThatThrownBy(() -> bob.command(WeftProtocol.BLAME, uriArg(uri(tmp.resolve("elsewhere.txt")))))
                .hasMessageContaining("not inside a shared folder");

        commitNaming(bob, b, null, "Alice's line", "Alice <alice@work.example>");
    }

    /**
     * Stages {@code notes.txt} of {@code repo} with git and commits it from {@code editor} with {@code message}
     * ({@code uri}: the file that names the repository, or null for every shared root); checks that the commit
     * carries exactly one trailer, {@code Co-authored-by: coAuthor}, and git's log shows it under the message.
     */
    private static void commitNaming(SimulatedEditor editor, Path repo, String uri, String message, String coAuthor)
            throws Exception {
        git(repo, "add", "notes.txt");
        JsonObject c = result(editor.command(WeftProtocol.COMMIT, gitArg(uri, message)));
        String trailer = "Co-authored-by: " + coAuthor;
        assertThat(c.getAsJsonArray("trailers").toString()).isEqualTo("[\"" + trailer + "\"]");
        assertThat(git(repo, "log", "-1", "--format=%B")).isEqualTo(message + "\n\n" + trailer + "\n\n");
    }

    /** The markdown of the server's hover on {@code line}, or null for no hover. */
    private static String hover(SimulatedEditor e, String uri, int line) throws Exception {
        Hover h = e.serverImpl().getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri),
                new Position(line, 0))).get(30, TimeUnit.SECONDS);
        return h == null ? null : h.getContents().getRight().getValue();
    }

    /** Stages until no hunk is reported (the other's deletions may still be on their way); returns the result. */
    private static JsonObject stageUntilClean(SimulatedEditor e, Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            JsonObject r = result(e.command(WeftProtocol.STAGE_MINE, gitArg(uri(dir), null)));
            JsonArray problems = r.getAsJsonArray("problems");
            if (problems.isEmpty() && !r.getAsJsonArray("staged").isEmpty()) {
                return r;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stage mine still reports " + r);
            }
            Thread.sleep(100);
        }
    }

    /** Alice shares her folder, Bob joins it; both open notes.txt in their editor. */
    private static void shareAndOpen(RelayProcess relay, SimulatedEditor alice, Path a, SimulatedEditor bob, Path b)
            throws Exception {
        JsonObject shared = shareWorkspace(alice, relay.url());
        join(bob, shared.get("inviteLink").getAsString());
        for (var e : List.of(java.util.Map.entry(alice, a), java.util.Map.entry(bob, b))) {
            String u = uri(e.getValue().resolve("notes.txt"));
            e.getKey().open(u, read(e.getValue().resolve("notes.txt")));
            LanguageServerWorkspaceTest.awaitBound(e.getKey(), u);
        }
    }

    /** A committed repository at {@code a} and its clone at {@code b}, each with its own user (git CLI). */
    static void clones(Path a, String nameA, String emailA, Path b, String nameB, String emailB) throws Exception {
        CliFixtures.committedRepo(a, nameA, emailA, HEAD);
        git(a.getParent(), "clone", "-q", a.toString(), b.toString());
        git(b, "config", "user.name", nameB);
        git(b, "config", "user.email", emailB);
    }

    /** A language server with no configured name (git's is used), and {@code userEmail} if not null. */
    static SimulatedEditor editor(Path dataDir, Path folder, String userEmail) throws Exception {
        JsonObject opts = new JsonObject();
        opts.addProperty("dataDir", dataDir.toString());
        if (userEmail != null) {
            opts.addProperty("userEmail", userEmail);
        }
        return new SimulatedEditor(SimulatedEditor.Ordering.VSCODE, RoomConnector.RELAY, List.of(folder), opts);
    }

    static JsonObject uriArg(String uri) {
        JsonObject o = new JsonObject();
        o.addProperty("uri", uri);
        return o;
    }

    static JsonObject gitArg(String uri, String message) {
        JsonObject o = new JsonObject();
        if (uri != null) {
            o.addProperty("uri", uri);
        }
        if (message != null) {
            o.addProperty("message", message);
        }
        return o;
    }

    static JsonObject result(Object r) {
        return GSON.toJsonTree(r).getAsJsonObject();
    }

    /** Runs the git CLI in {@code dir}; fails with its output on a non-zero exit. */
    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}

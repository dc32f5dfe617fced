package dev.weft.lsp.workspace;

import com.google.gson.JsonObject;
import dev.weft.relay.testing.RelayProcess;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import org.eclipse.lsp4j.FileChangeType;
import org.eclipse.lsp4j.FileEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.editor;
import static dev.weft.lsp.workspace.WorkspaceFixtures.explorerCreateRenameDelete;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.shareWorkspace;
import static dev.weft.lsp.workspace.WorkspaceFixtures.tree;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static dev.weft.lsp.workspace.WorkspaceFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code weft.shareWorkspace} and the language server's disk model (issue 10, editor part), with in-process
 * language servers talking to a real relay process over its real transport.
 */
class LanguageServerWorkspaceTest extends AliceAndBobTest {

    @Test
    void closedFilesGetRemoteEditsOnDiskWithinASecondKeepingModeBitsAndLineEndings() throws Exception {
        write(a.resolve("a.txt"), "alpha\n");
        write(a.resolve("crlf.txt"), "one\r\ntwo\r\n");
        write(a.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(a.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        write(a.resolve(".gitignore"), "build/\n");
        write(a.resolve("build/out.txt"), "generated\n");
        write(a.resolve(".env"), "SECRET=1\n");
        start();
        JsonObject shared = shareWorkspace(alice, relay.url());
        assertThat(shared.get("workspace").getAsBoolean()).isTrue();
        assertThat(shared.get("files").getAsInt()).as("a.txt, crlf.txt, run.sh, .gitignore").isEqualTo(4);
        assertThat(shared.get("leftOut").toString()).contains("build").contains(".env");
        assertThat(alice.progress).as("window/workDoneProgress while sharing").first().isEqualTo("create");
        assertThat(alice.progress.get(1)).isEqualTo("begin: Weft: sharing workspace");
        assertThat(alice.progress.get(alice.progress.size() - 1)).isEqualTo("end: 4 files shared");

        JsonObject joined = join(bob, shared.get("inviteLink").getAsString());
        assertThat(joined.get("workspace").getAsBoolean()).isTrue();
        assertThat(joined.get("files").getAsInt()).isEqualTo(4);
        assertThat(bob.progress).contains("create", "begin: Weft: joining workspace", "end: 4 files on disk");
        Map<String, String> expected = tree(a);
        expected.remove("build/out.txt");
        expected.remove(".env");
        assertThat(tree(b)).isEqualTo(expected);

        // Bob types in two files Alice does not have open: her disk follows within a second.
        String crlf = uri(b.resolve("crlf.txt"));
        bob.open(crlf, read(b.resolve("crlf.txt")));
        awaitBound(bob, crlf);
        bob.edit(crlf, 0, 0, "zero\r\n");
        long ms = await("crlf.txt on Alice's disk", 5_000,
                () -> "zero\r\none\r\ntwo\r\n".equals(read(a.resolve("crlf.txt"))));
        assertThat(ms).as("remote edit on a closed file's disk (ms)").isLessThan(1_000);

        String run = uri(b.resolve("run.sh"));
        bob.open(run, read(b.resolve("run.sh")));
        awaitBound(bob, run);
        bob.edit(run, 18, 18, "echo there\n");
        ms = await("run.sh on Alice's disk", 5_000,
                () -> "#!/bin/sh\necho hi\necho there\n".equals(read(a.resolve("run.sh"))));
        assertThat(ms).isLessThan(1_000);
        assertThat(Files.getPosixFilePermissions(a.resolve("run.sh")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.list(a).map(p -> p.getFileName().toString()).filter(n -> n.contains(".weft-")))
                .as("no temp files left behind").isEmpty();
    }

    @Test
    void outsideEditOfAClosedFileBecomesASharedEditAndSurvivesReopening() throws Exception {
        write(a.resolve("notes.txt"), "line1\nline2\nline3\n");
        start();
        shareAndJoin();
        Path notes = a.resolve("notes.txt");
        String u = uri(notes);
        // Alice edits in the editor, saves, closes.
        alice.open(u, read(notes));
        awaitBound(alice, u);
        alice.edit(u, 0, 0, "A");
        await("Alice's typing on Bob's disk", 5_000, () -> read(b.resolve("notes.txt")).startsWith("Aline1"));
        write(notes, alice.text(u)); // save
        alice.close(u);
        Thread.sleep(300);
        // Another program changes the closed file (sed -i), and the editor reopens it at once.
        write(notes, read(notes).replace("line2", "LINE2"));
        alice.open(u, read(notes));
        awaitBound(alice, u);
        await("the outside edit on Bob's disk", 5_000, () -> read(b.resolve("notes.txt")).contains("LINE2"));
        Thread.sleep(1_000);
        assertThat(alice.text(u)).as("reopened buffer keeps the disk's text").isEqualTo("Aline1\nLINE2\nline3\n");
        assertThat(read(b.resolve("notes.txt"))).isEqualTo("Aline1\nLINE2\nline3\n");
        // Bob types meanwhile; Alice's open buffer gets it (the disk changes when she saves).
        String bu = uri(b.resolve("notes.txt"));
        bob.open(bu, read(b.resolve("notes.txt")));
        awaitBound(bob, bu);
        bob.edit(bu, bob.text(bu).length(), bob.text(bu).length(), "line4\n");
        alice.awaitText(u, t -> t.endsWith("line4\n"), 5_000);
        assertThat(alice.text(u)).isEqualTo("Aline1\nLINE2\nline3\nline4\n");
    }

    @Test
    void filesCreatedRenamedAndDeletedByTheOtherFollowOnDisk() throws Exception {
        write(a.resolve("a.txt"), "aaa\n");
        write(a.resolve("b.txt"), "bbb\n");
        write(a.resolve("dir/c.txt"), "ccc\n");
        start();
        shareAndJoin();
        // Bob's Explorer: new file, rename into a new folder, delete; his editor reports the file events.
        explorerCreateRenameDelete(bob, b);
        await("Alice's disk follows", 5_000, () -> {
            try {
                return tree(a).equals(Map.of("new.txt", "fresh\n", "renamed/b2.txt", "bbb\n",
                        "dir/c.txt", "ccc\n"));
            } catch (java.io.IOException e) {
                return false;
            }
        });
        // The new file, opened in Alice's editor, is bound: her typing reaches Bob's disk.
        String nu = uri(a.resolve("new.txt"));
        alice.open(nu, read(a.resolve("new.txt")));
        awaitBound(alice, nu);
        alice.edit(nu, 0, 0, "very ");
        await("Alice's typing in the new file on Bob's disk", 5_000,
                () -> "very fresh\n".equals(read(b.resolve("new.txt"))));
        // A file created in Alice's editor and saved appears for Bob.
        write(a.resolve("dir/d.txt"), "ddd\n");
        alice.filesChanged(List.of(new FileEvent(uri(a.resolve("dir/d.txt")), FileChangeType.Created)));
        await("d.txt on Bob's disk", 5_000, () -> "ddd\n".equals(read(b.resolve("dir/d.txt"))));
    }

    @Test
    void everyRootOfAMultiRootWorkspaceIsShared() throws Exception {
        Path app = tmp.resolve("ws/app");
        Path lib = tmp.resolve("ws/lib");
        write(app.resolve("main.txt"), "main\n");
        write(lib.resolve("util.txt"), "util\n");
        write(lib.resolve("main.txt"), "same name, other root\n");
        start(List.of(app, lib));
        JsonObject shared = shareWorkspace(alice, relay.url());
        assertThat(shared.getAsJsonArray("folders")).hasSize(2);
        assertThat(shared.get("files").getAsInt()).isEqualTo(3);
        JsonObject joined = join(bob, shared.get("inviteLink").getAsString());
        assertThat(joined.get("files").getAsInt()).isEqualTo(3);
        assertThat(tree(b)).isEqualTo(Map.of("app/main.txt", "main\n", "lib/util.txt", "util\n",
                "lib/main.txt", "same name, other root\n"));
        // Edits in the second root travel too.
        String u = uri(b.resolve("lib/util.txt"));
        bob.open(u, read(b.resolve("lib/util.txt")));
        awaitBound(bob, u);
        bob.edit(u, 4, 4, "s");
        await("lib/util.txt on Alice's disk", 5_000, () -> "utils\n".equals(read(lib.resolve("util.txt"))));
    }

    /**
     * Per-file rooms ({@code weft.share} of open files), the bug issue 10 reports: a shared file closed in the
     * editor, changed on disk by another program, and reopened got the old shared text back and the change was
     * never shared. Now the change is merged (with the other member's edits made meanwhile).
     */
    @Test
    void perFileRoomReopeningAFileChangedOnDiskKeepsAndSharesTheChange() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("relay"));
             Session s = new Session(tmp.resolve("s"), relay.url())) {
            s.addEditor(SimulatedEditor.Ordering.VSCODE, null);
            s.addEditor(SimulatedEditor.Ordering.VSCODE, null);
            s.share("doc.txt", "one\ntwo\n");
            s.join(1);
            SimulatedEditor e0 = s.editors.get(0);
            SimulatedEditor e1 = s.editors.get(1);
            String u0 = s.uris.get(0);
            String u1 = s.uris.get(1);
            e0.close(u0);
            Thread.sleep(300); // didClose is a notification: let the server take it before the disk changes
            Path file = Path.of(java.net.URI.create(u0));
            write(file, "one\nTWO\n");                   // sed -i while closed
            e1.edit(u1, 0, 0, "X");                      // the other member types meanwhile
            Thread.sleep(500);
            e0.open(u0, read(file));
            await("both buffers merged", 10_000, () -> e0.text(u0).equals("Xone\nTWO\n")
                    && e1.text(u1).equals("Xone\nTWO\n"), () -> "e0=" + e0.text(u0) + " e1=" + e1.text(u1));
            Thread.sleep(500);
            assertThat(e0.text(u0)).isEqualTo("Xone\nTWO\n");
            assertThat(e1.text(u1)).isEqualTo("Xone\nTWO\n");
        }
    }

    static void awaitBound(SimulatedEditor e, String uri) throws InterruptedException {
        await("server binds " + uri, 10_000, () -> e.serverImpl().session().bindingOf(uri) != null);
    }

}

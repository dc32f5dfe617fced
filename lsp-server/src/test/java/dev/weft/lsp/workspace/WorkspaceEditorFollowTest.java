package dev.weft.lsp.workspace;

import static dev.weft.lsp.workspace.WorkspaceFixtures.await;
import static dev.weft.lsp.workspace.WorkspaceFixtures.editor;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.read;
import static dev.weft.lsp.workspace.WorkspaceFixtures.uri;
import static dev.weft.lsp.workspace.WorkspaceFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.lsp.testing.SimulatedEditor;
import java.nio.file.Files;
import org.eclipse.lsp4j.DeleteFile;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.RenameFile;
import org.junit.jupiter.api.Test;

/**
 * The editor follows what the room does to the files it has open, and a join into a folder with different files
 * asks ({@code docs/workspace.md}, "Editors"): in-process language servers driven by {@link SimulatedEditor}s that
 * apply resource operations as VS Code does, on a real relay process. Alice changes her disk as another program
 * would (the engine turns it into room events); Bob's editor must follow.
 */
class WorkspaceEditorFollowTest extends AliceAndBobTest {

    @Test
    void aRemoteRenameOfAFileOpenInTheEditorMovesTheBufferWithItsUnsavedTypingAndTheDiskFile() throws Exception {
        write(a.resolve("notes.txt"), "one\ntwo\n");
        start();
        shareAndJoin();
        String oldUri = uri(b.resolve("notes.txt"));
        bob.open(oldUri, read(b.resolve("notes.txt")));
        LanguageServerWorkspaceTest.awaitBound(bob, oldUri);
        bob.edit(oldUri, 0, 0, "B:"); // typed, not saved
        await("Bob's typing on Alice's disk", 5_000, () -> read(a.resolve("notes.txt")).startsWith("B:one"));

        Files.createDirectories(a.resolve("docs"));
        Files.move(a.resolve("notes.txt"), a.resolve("docs/renamed.txt")); // git mv, a file manager…
        String newUri = uri(b.resolve("docs/renamed.txt"));
        await("Bob's editor is asked to rename the open file", 10_000,
                () -> bob.resourceOperations.stream().anyMatch(op -> op instanceof RenameFile r
                        && r.getOldUri().equals(oldUri) && r.getNewUri().equals(newUri)));
        await("Bob's buffer follows", 5_000, () -> bob.isOpen(newUri) && !bob.isOpen(oldUri));
        assertThat(bob.text(newUri)).as("the unsaved typing moved with the buffer").isEqualTo("B:one\ntwo\n");
        assertThat(b.resolve("notes.txt")).doesNotExist();
        assertThat(b.resolve("docs/renamed.txt")).exists();

        // The buffer is bound again under the new name: typing there reaches Alice's renamed file.
        LanguageServerWorkspaceTest.awaitBound(bob, newUri);
        bob.edit(newUri, bob.text(newUri).length(), bob.text(newUri).length(), "three\n");
        await("Bob's typing under the new name on Alice's disk", 5_000,
                () -> "B:one\ntwo\nthree\n".equals(read(a.resolve("docs/renamed.txt"))));
        Thread.sleep(1_500); // a few engine passes
        assertThat(a.resolve("notes.txt")).as("the old name is not shared again as a new file").doesNotExist();
        assertThat(b.resolve("notes.txt")).doesNotExist();
    }

    @Test
    void aRemoteDeleteClosesASavedBufferAndKeepsAnUnsavedOneSoNothingTypedVanishes() throws Exception {
        write(a.resolve("saved.txt"), "saved\n");
        write(a.resolve("typing.txt"), "typing\n");
        start();
        shareAndJoin();
        String saved = uri(b.resolve("saved.txt"));
        String typing = uri(b.resolve("typing.txt"));
        bob.open(saved, read(b.resolve("saved.txt")));
        bob.open(typing, read(b.resolve("typing.txt")));
        LanguageServerWorkspaceTest.awaitBound(bob, saved);
        LanguageServerWorkspaceTest.awaitBound(bob, typing);
        bob.edit(typing, 0, 0, "unsaved ");
        await("Bob's typing on Alice's disk", 5_000,
                () -> read(a.resolve("typing.txt")).equals("unsaved typing\n"));

        // Alice deletes both (she has seen Bob's typing: the delete wins, it is not a restore).
        Files.delete(a.resolve("saved.txt"));
        Files.delete(a.resolve("typing.txt"));
        await("the saved buffer is closed by a DeleteFile", 10_000,
                () -> bob.resourceOperations.stream().anyMatch(op -> op instanceof DeleteFile d
                        && d.getUri().equals(saved)) && !bob.isOpen(saved));
        assertThat(b.resolve("saved.txt")).doesNotExist();
        await("Bob is told his unsaved buffer is kept", 10_000,
                () -> bob.shownMessages.stream().anyMatch(m -> m.contains("typing.txt")
                        && m.contains("unsaved changes stay")));
        assertThat(bob.isOpen(typing)).isTrue();
        assertThat(bob.text(typing)).isEqualTo("unsaved typing\n");
        assertThat(bob.resourceOperations).noneMatch(op -> op instanceof DeleteFile d && d.getUri().equals(typing));

        // Bob saves: the file is shared again, with what he typed.
        write(b.resolve("typing.txt"), bob.text(typing));
        await("Bob's saved file back on Alice's disk", 10_000,
                () -> "unsaved typing\n".equals(read(a.resolve("typing.txt"))));
        assertThat(a.resolve("saved.txt")).doesNotExist();
    }

    @Test
    void joiningIntoAFolderWithDifferentFilesAsksAndKeepMineMergesTheLocalCopiesAsEdits() throws Exception {
        write(a.resolve("a.txt"), "room a\nshared line\n");
        write(a.resolve("same.txt"), "same\n");
        write(b.resolve("a.txt"), "bob's a\nshared line\n");
        write(b.resolve("same.txt"), "same\n");
        startAndJoinAnswering("Keep mine as edits");
        var asked = bob.messageRequests.get(0);
        assertThat(asked.getMessage()).contains("1 local file differed").contains("a.txt");
        assertThat(asked.getActions()).extracting(MessageActionItem::getTitle)
                .containsExactly("Keep mine as edits", "Take the room's", "Open a diff");
        await("Bob's version back on his disk", 10_000, () -> "bob's a\nshared line\n".equals(read(b.resolve("a.txt"))));
        await("…and merged into the room, on Alice's disk", 10_000,
                () -> "bob's a\nshared line\n".equals(read(a.resolve("a.txt"))));
        assertThat(b.resolve("a.txt.weft-local")).doesNotExist();
        assertThat(read(b.resolve("same.txt"))).isEqualTo("same\n");
    }

    @Test
    void joiningIntoAFolderWithDifferentFilesAndTakingTheRoomsDropsTheLocalCopies() throws Exception {
        write(a.resolve("a.txt"), "room a\n");
        write(b.resolve("a.txt"), "bob's a\n");
        startAndJoinAnswering("Take the room's");
        await("the local copy is gone", 10_000, () -> !Files.exists(b.resolve("a.txt.weft-local")));
        assertThat(read(b.resolve("a.txt"))).isEqualTo("room a\n");
        Thread.sleep(1_000);
        assertThat(read(a.resolve("a.txt"))).isEqualTo("room a\n");
    }

    /** Starts, shares Alice's folder and lets Bob join it; he answers {@code answer} when asked (awaited). */
    private void startAndJoinAnswering(String answer) throws Exception {
        start();
        bob.messageRequestAnswer = answer;
        shareAndJoin();
        await("Bob is asked", 10_000, () -> !bob.messageRequests.isEmpty());
    }
}

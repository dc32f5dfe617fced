package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * VS Code's real ordering when the user types while a remote edit is being shown: vscode-languageclient checks
 * the document version in the extension host and answers {@code applied:true}, but the renderer applies the edit
 * later, after keystrokes already typed there. The server then sees the keystroke's {@code didChange} first and the
 * echo of its edit after it, applied with the original range to the newer text. Found by the code-server e2e
 * test (docs/vscode.md §8): the echo used to be taken for typing and inserted twice.
 */
class RendererLagScenariosTest extends TwoEditorScenarioTest {
    private void pair(String text) throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, text, e -> { });
    }

    /** Editor 1's user types {@code text} at {@code offset} between the version check and the application. */
    private void typeDuringRendererLag(int offset, String text) {
        ed(1).afterVersionCheck = keystroke(offset, offset, text);
    }

    /** Editor 1's user types {@code text} at {@code offset} just before the edit reaches the editor. */
    private void typeBeforeTheEditArrives(int offset, String text) {
        ed(1).beforeApply = keystroke(offset, offset, text);
    }

    @Test
    void keystrokeOnAnotherLineBeforeTheRendererAppliesTheEditIsNotDoubled() throws Exception {
        pair("line one\nline two\n");
        typeDuringRendererLag(0, "Z");
        ed(0).edit(uri(0), 17, 17, "X");
        assertThat(s.awaitConverged(10_000)).isEqualTo("Zline one\nline twoX\n");
    }

    @Test
    void keystrokeEarlierOnTheSameLineShiftsTheRenderersEditAndTheBufferIsCorrected() throws Exception {
        pair("abc def\n");
        typeDuringRendererLag(0, "Z");
        // The renderer applies "insert X at line 0, column 7" to "Zabc def\n": X lands one character early.
        ed(0).edit(uri(0), 7, 7, "X");
        assertThat(s.awaitConverged(10_000)).isEqualTo("Zabc defX\n");
    }

    @Test
    void bothTypeAtTheSamePlaceDuringRendererLagAndEachKeystrokeIsKeptOnce() throws Exception {
        pair("ab");
        typeDuringRendererLag(1, "Y");
        ed(0).edit(uri(0), 1, 1, "X");
        assertThat(s.awaitConverged(10_000)).matches("a(XY|YX)b");
    }

    @Test
    void deletionTypedDuringRendererLagIsKeptAndTheEchoIsNotReplayed() throws Exception {
        pair("hello world\n");
        typeDuringRendererLag(0, "> ");
        ed(0).edit(uri(0), 5, 11, "");
        assertThat(s.awaitConverged(10_000)).isEqualTo("> hello\n");
    }

    @Test
    void identicalKeystrokeAtTheSamePlaceAsARefusedEditIsKeptAsTheUsersOwn() throws Exception {
        pair("ab");
        // Editor 1's user types the very space the remote edit carries, just before it arrives: the keystroke
        // looks exactly like the echo, then the editor refuses the edit (version moved on).
        typeBeforeTheEditArrives(1, " ");
        ed(0).edit(uri(0), 1, 1, " ");
        assertThat(s.awaitConverged(10_000)).isEqualTo("a  b");
    }

    @Test
    void identicalKeystrokeDuringRendererLagIsKeptOnceAndTheEchoOnce() throws Exception {
        pair("ab");
        typeDuringRendererLag(1, " ");
        ed(0).edit(uri(0), 1, 1, " ");
        assertThat(s.awaitConverged(10_000)).isEqualTo("a  b");
    }
}

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

    /**
     * Editors share {@code text}; editor 1's user types {@code typed} at {@code typedAt} during the renderer lag of
     * editor 0's edit replacing {@code [from, to)} with {@code remote}. Returns the text both editors converge on.
     */
    private String remoteEditDuringRendererLag(String text, int typedAt, String typed, int from, int to, String remote)
            throws Exception {
        pair(text);
        typeDuringRendererLag(typedAt, typed);
        ed(0).edit(uri(0), from, to, remote);
        return s.awaitConverged(10_000);
    }

    /** Editor 1's user types {@code text} at {@code offset} just before the edit reaches the editor. */
    private void typeBeforeTheEditArrives(int offset, String text) {
        ed(1).beforeApply = keystroke(offset, offset, text);
    }

    @Test
    void keystrokeOnAnotherLineBeforeTheRendererAppliesTheEditIsNotDoubled() throws Exception {
        assertThat(remoteEditDuringRendererLag("line one\nline two\n", 0, "Z", 17, 17, "X"))
                .isEqualTo("Zline one\nline twoX\n");
    }

    @Test
    void keystrokeEarlierOnTheSameLineShiftsTheRenderersEditAndTheBufferIsCorrected() throws Exception {
        // The renderer applies "insert X at line 0, column 7" to "Zabc def\n": X lands one character early.
        assertThat(remoteEditDuringRendererLag("abc def\n", 0, "Z", 7, 7, "X")).isEqualTo("Zabc defX\n");
    }

    @Test
    void bothTypeAtTheSamePlaceDuringRendererLagAndEachKeystrokeIsKeptOnce() throws Exception {
        assertThat(remoteEditDuringRendererLag("ab", 1, "Y", 1, 1, "X")).matches("a(XY|YX)b");
    }

    @Test
    void deletionTypedDuringRendererLagIsKeptAndTheEchoIsNotReplayed() throws Exception {
        assertThat(remoteEditDuringRendererLag("hello world\n", 0, "> ", 5, 11, "")).isEqualTo("> hello\n");
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
        assertThat(remoteEditDuringRendererLag("ab", 1, " ", 1, 1, " ")).isEqualTo("a  b");
    }
}

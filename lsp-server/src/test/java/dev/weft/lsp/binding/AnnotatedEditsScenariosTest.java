package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * VS Code with change annotations (vscode-languageclient 9 declares {@code changeAnnotationSupport}): the server
 * annotates its applyEdits, and VS Code then applies an edit to the active editor as sent, without the worker round
 * trip that rewrites it into "more minimal" edits and drops its version ({@code EditorClient#applyEdit},
 * docs/vscode.md §8 and "Where the latency goes"). A keystroke typed while the renderer is busy with the edit now
 * makes it refuse the edit, and the server re-sends it at the new version: no late echo to recognise.
 */
class AnnotatedEditsScenariosTest extends TwoEditorScenarioTest {
    AnnotatedEditsScenariosTest() {
        changeAnnotations = true;
    }

    /**
     * Editors share {@code text}; editor 1's user types {@code typed} at {@code typedAt} during the renderer lag of
     * editor 0's edit replacing {@code [from, to)} with {@code remote}. Returns the text both editors converge on.
     */
    private String remoteEditDuringRendererLag(String text, int typedAt, String typed, int from, int to, String remote)
            throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, text, e -> { });
        ed(1).afterVersionCheck = keystroke(typedAt, typedAt, typed);
        ed(0).edit(uri(0), from, to, remote);
        return s.awaitConverged(10_000);
    }

    @Test
    void keystrokeEarlierOnTheLineDuringTheRenderersWorkRefusesTheAnnotatedEditWhichIsResentAtTheNewVersion()
            throws Exception {
        assertThat(remoteEditDuringRendererLag("abc def\n", 0, "Z", 7, 7, "X")).isEqualTo("Zabc defX\n");
        assertThat(ed(1).annotatedEdits.get()).as("annotated applyEdits").isGreaterThanOrEqualTo(2);
        assertThat(ed(1).applyEditsRefused).as("the first one refused: the buffer moved on").isGreaterThanOrEqualTo(1);
    }

    @Test
    void keystrokeInsideTheRangeOfAReplacementIsKeptOnceWithTheReplacement() throws Exception {
        // Unannotated, VS Code applied the minimal edits late over the keystroke and the echo was not recognised
        // (the case docs/lsp.md leaves uncovered); annotated, the edit is refused and re-derived.
        assertThat(remoteEditDuringRendererLag("abcdef\n", 3, "Q", 2, 4, "XY")).matches("ab(XYQ|QXY)ef\n");
    }

    @Test
    void bothTypeAtTheSamePlaceDuringTheRenderersWorkAndEachKeystrokeIsKeptOnce() throws Exception {
        assertThat(remoteEditDuringRendererLag("ab", 1, "Y", 1, 1, "X")).matches("a(XY|YX)b");
    }

    @Test
    void editorsWithoutAnnotationSupportGetPlainEdits() throws Exception {
        changeAnnotations = false;
        startPair(Ordering.VSCODE, Ordering.VSCODE, "ab", e -> { });
        ed(0).edit(uri(0), 0, 0, "X");
        assertThat(s.awaitConverged(10_000)).isEqualTo("Xab");
        assertThat(ed(1).applyEditsReceived).isGreaterThanOrEqualTo(1);
        assertThat(ed(1).annotatedEdits.get()).isZero();
    }
}

package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.EchoSplit;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo of one {@code workspace/applyEdit} reported in several {@code didChange} notifications. Real case
 * (docs/lsp.md, "Echo handling"): Neovim 0.7 applies an edit that reaches past the last line (appending at the end
 * of a buffer ending with a newline) as {@code nvim_buf_set_text} with an extra newline, then deletes that newline
 * with {@code nvim_buf_set_lines}; with {@code debounce_text_changes = 0} (samples/editors/nvim/weft.lua) each is
 * its own didChange, both before the applyEdit response, the first one overshooting the edit. The parts used to be
 * taken for typing and the remote text appeared twice until weft/verify. Editor 0 (VS Code ordering) types;
 * editor 1 (Neovim ordering, debounce 0 unless said) receives the split echo.
 */
class SplitEchoScenariosTest extends TwoEditorScenarioTest {
    private void pair(String text, EchoSplit split) throws Exception {
        startPair(Ordering.VSCODE, Ordering.NEOVIM, text, e -> e.debounceMs = 0);
        ed(1).echoSplit = split;
    }

    /**
     * Editor 0 replaces {@code [start, end)} with {@code text} while editor 1 is paused, so that editor 1 gets the
     * deletion and the insertion as one applyEdit (one TextEdit) when it resumes.
     */
    private void replaceAsOneEdit(int start, int end, String text) throws Exception {
        ed(1).command("weft.pause", null);
        String want = ed(0).text(uri(0)).substring(0, start) + text + ed(0).text(uri(0)).substring(end);
        ed(0).edit(uri(0), start, end, text);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!s.serverState(1).replica().equals(want)) {
            assertThat(System.currentTimeMillis()).as("editor 1's replica got the edit").isLessThan(deadline);
            s.relay.drain();
            Thread.sleep(5);
        }
        ed(1).command("weft.resume", null);
    }

    /**
     * Editor 0 appends {@code "Q\n"} to {@code "abc\ndef\n"} (editor 1 gets the echo split); then both editors show
     * {@code expected} and editor 1's buffer was never repaired from the replica.
     */
    private void appendQAndExpect(String expected) throws Exception {
        ed(0).edit(uri(0), 8, 8, "Q\n");
        assertThat(s.awaitConverged(10_000)).isEqualTo(expected);
        assertThat(repairs(1)).isZero();
    }

    /** Waits until editor 1 has applied {@code n} applyEdits in all (so the split echo has been sent). */
    private void awaitApplied(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ed(1).applyEditsReceived < n) {
            assertThat(System.currentTimeMillis()).as("applyEdit #%d reached editor 1", n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void echoOfOneApplyEditSplitOverTwoDidChangesIsNotReplayed() throws Exception {
        pair("abc\ndef\n", EchoSplit.OVERSHOOT);
        int before = ed(1).applyEditsReceived;
        ed(0).edit(uri(0), 8, 8, "Q\n");
        awaitApplied(before + 1);
        assertThat(s.awaitConverged(10_000)).isEqualTo("abc\ndef\nQ\n");
        assertThat(repairs(1)).isZero();
    }

    @Test
    void replacementEchoedAsDeletionThenInsertionIsNotReplayed() throws Exception {
        pair("one two three\n", EchoSplit.DELETE_THEN_INSERT);
        replaceAsOneEdit(4, 7, "2");
        assertThat(s.awaitConverged(10_000)).isEqualTo("one 2 three\n");
        ed(0).edit(uri(0), 0, 0, "zero "); // an insertion: in two halves
        assertThat(s.awaitConverged(10_000)).isEqualTo("zero one 2 three\n");
        assertThat(repairs(1)).isZero();
    }

    @Test
    void keystrokeBeforeTheSplitEchoIsKept() throws Exception {
        pair("abc\ndef\n", EchoSplit.OVERSHOOT);
        // The user types just as the edit reaches the editor: stock Neovim skips the stale edit (answer true).
        ed(1).beforeApply = keystroke(0, 0, "Z");
        appendQAndExpect("Zabc\ndef\nQ\n");
    }

    @Test
    void keystrokeBetweenThePartsOfASplitEchoIsKept() throws Exception {
        pair("abc\ndef\n", EchoSplit.OVERSHOOT);
        ed(1).betweenEchoParts = keystroke(0, 0, "Z");
        appendQAndExpect("Zabc\ndef\nQ\n");
    }

    @Test
    void keystrokeBetweenADeletionAndItsInsertionIsKept() throws Exception {
        pair("one two three\n", EchoSplit.DELETE_THEN_INSERT);
        Keystroke<String> typedBetween = keystroke(10, 10, "!"); // "one  three" + "!" before the newline
        ed(1).betweenEchoParts = typedBetween;
        replaceAsOneEdit(4, 7, "2");
        assertThat(s.awaitConverged(10_000)).isEqualTo("one 2 three!\n");
        assertThat(typedBetween.typed()).as("the user typed between the parts").isTrue();
        assertThat(repairs(1)).isZero();
    }

    @Test
    void keystrokeRightAfterTheSplitEchoIsKept() throws Exception {
        pair("abc\ndef\n", EchoSplit.OVERSHOOT);
        ed(1).afterApply = keystroke(10, 10, "R"); // after "abc\ndef\nQ\n"
        appendQAndExpect("abc\ndef\nQ\nR");
    }

    @Test
    void debouncedSplitEchoAndKeystrokeInOneDidChangeAreNotReplayed() throws Exception {
        pair("abc\ndef\n", EchoSplit.OVERSHOOT);
        ed(1).debounceMs = 15; // Neovim's default debounce coalesces both parts and the keystroke
        ed(1).afterApply = keystroke(0, 0, "Z");
        appendQAndExpect("Zabc\ndef\nQ\n");
    }

    @Test
    void identicalTypingTakenForAFirstPartIsKeptWhenTheEditIsRefused() throws Exception {
        // VS Code ordering refuses an edit for an old version; the user's change looks like a deletion part.
        startPair(Ordering.VSCODE, Ordering.VSCODE, "one two three\n", e -> { });
        ed(1).beforeApply = keystroke(4, 7, ""); // the user deletes "two" too
        ed(0).edit(uri(0), 4, 7, "2");
        assertThat(s.awaitConverged(10_000)).isEqualTo("one 2 three\n");
    }
}

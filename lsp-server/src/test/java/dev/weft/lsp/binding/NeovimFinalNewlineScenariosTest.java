package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Neovim buffer with {@code 'eol'} set (the default) cannot end without a newline (docs/lsp.md, "Echoes in
 * several parts"): when a remote member appends text after the shared text's last newline (a VS Code user typing on
 * the last, empty line), Neovim 0.7 inserts {@code "\nR"} before its final newline and reports the buffer as
 * {@code "…\nR\n"}, not the {@code "…\nR"} the server sent. Editor 0 (VS Code ordering) types; editor 1 (Neovim
 * ordering, {@link SimulatedEditor#neovimEol}) receives the edits. The shared text must never get a copy of the
 * remote text; at most the one final newline Neovim insists on, published once as Neovim's own edit.
 */
class NeovimFinalNewlineScenariosTest extends TwoEditorScenarioTest {
    private void pair(String text, long neovimDebounceMs) throws Exception {
        startPair(Ordering.VSCODE, Ordering.NEOVIM, text, e -> e.debounceMs = neovimDebounceMs);
        ed(1).neovimEol = true;
    }

    /** The replicas (what every member shares), after convergence. */
    /** Both buffers and both replicas end as {@code want}; editor 1's buffer was never repaired from its replica. */
    private void assertEverywhereWithoutRepair(String want) throws Exception {
        assertThat(s.awaitConverged(10_000)).isEqualTo(want);
        assertReplicas(want);
        assertThat(repairs(1)).isZero();
    }

    private void assertReplicas(String want) throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(s.serverState(i).replica()).as("editor %d's replica", i).isEqualTo(want);
        }
    }

    @Test
    void remoteTextAppendedAfterTheLastNewlineGetsOneFinalNewlineNotACopy() throws Exception {
        pair("abc\ndef\n", 0);
        ed(0).edit(uri(0), 8, 8, "R");
        assertEverywhereWithoutRepair("abc\ndef\nR\n");
    }

    @Test
    void debouncedNeovimAppendedAfterTheLastNewlineGetsOneFinalNewlineNotACopy() throws Exception {
        pair("abc\ndef\n", 15); // the didChange comes after the applyEdit response
        ed(0).edit(uri(0), 8, 8, "R");
        assertEverywhereWithoutRepair("abc\ndef\nR\n");
    }

    @Test
    void remoteDeletionOfTheFinalNewlineIsPutBackOnceByNeovim() throws Exception {
        pair("abc\ndef\n", 0);
        ed(0).edit(uri(0), 7, 8, "");
        assertEverywhereWithoutRepair("abc\ndef\n");
    }

    @Test
    void remoteTypingAtTheEndWhileTheNeovimUserTypesIsNotMultiplied() throws Exception {
        pair("abc\ndef\n", 0);
        String typed = "RST";
        for (int k = 0; k < typed.length(); k++) {
            String t = ed(0).text(uri(0));
            ed(0).edit(uri(0), t.length(), t.length(),
                    typed.substring(k, k + 1));
            ed(1).edit(uri(1), 0, 0, "Z");
        }
        String done = s.awaitConverged(20_000);
        assertThat(done.replace("\n", "")).as("no text copied: %s", done).isEqualTo("ZZZabcdefRST");
        assertThat(done).endsWith("\n").startsWith("ZZZabc\ndef\nR");
        assertThat(repairs(1)).isZero();
    }
}

package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor.EchoSplit;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user of editor 1 types while the server's {@code workspace/applyEdit} to editor 1 is unanswered (an editor
 * under load answered up to 27 s late, docs/vscode.md §9): typing wholly outside the edit's zone reaches editor 0
 * before the answer, typing touching it waits for the answer, and in every case each character ends up exactly once.
 * Editor 1's answers are held back by {@code answerGate} until the test opens it.
 */
class TypingDuringOutstandingEditScenariosTest extends TwoEditorScenarioTest {
    /** Holds editor 1's applyEdit answers until completed. */
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    private static void await(String what, BooleanSupplier p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!p.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Waits until editor 0's buffer shows {@code text} while editor 1's answer is still held back. */
    private void editor0ShowsBeforeTheAnswer(String text) throws Exception {
        await("editor 0 shows \"" + text + "\" before editor 1 answers", () -> ed(0).text(uri(0)).equals(text));
        assertThat(gate).as("editor 1 has not answered yet").isNotDone();
    }

    /** Editor 1 has received {@code n} applyEdits in all. */
    private void awaitReceived(int n) throws Exception {
        await("applyEdit #" + n + " reached editor 1", () -> ed(1).applyEditsReceived >= n);
    }

    @Test
    void typingDuringAnOutstandingRemoteEditIsPublishedBeforeTheAnswer() throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, "line one\nline two\n", e -> { });
        ed(1).answerGate = gate;
        ed(1).beforeApply = keystroke(0, 0, "Z"); // the version moves on: the edit will be refused
        ed(0).edit(uri(0), 17, 17, "X");
        editor0ShowsBeforeTheAnswer("Zline one\nline twoX\n");
        gate.complete(null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("Zline one\nline twoX\n");
        assertThat(published(1)).isEqualTo(1);
    }

    @Test
    void typingAfterTheEchoOfAnUnansweredRemoteEditIsPublishedBeforeTheAnswer() throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, "line one\nline two\n", e -> { });
        ed(1).answerGate = gate;
        ed(0).edit(uri(0), 17, 17, "X");
        await("the edit is applied (and echoed) in editor 1", () -> ed(1).text(uri(1)).contains("X"));
        ed(1).edit(uri(1), 0, 0, "Z");
        ed(1).edit(uri(1), 1, 1, "Y");
        editor0ShowsBeforeTheAnswer("ZYline one\nline twoX\n");
        gate.complete(null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("ZYline one\nline twoX\n");
    }

    @Test
    void typingAfterAnIdenticalKeystrokeTakenForTheEchoIsPublishedAndBothAreKeptWhenTheEditIsRefused()
            throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, "ab\ncd\n", e -> { });
        ed(1).answerGate = gate;
        int before = ed(1).applyEditsReceived;
        // Editor 1's user types the very space the remote edit carries just before it arrives: it looks exactly like
        // the echo (provisional), and the editor refuses the edit (version moved on) — but answers late.
        ed(1).beforeApply = keystroke(1, 1, " ");
        ed(0).edit(uri(0), 1, 1, " ");
        awaitReceived(before + 1);
        ed(1).edit(uri(1), 6, 6, "Z"); // "a b\ncd|\n": far from the space
        editor0ShowsBeforeTheAnswer("a b\ncdZ\n");
        gate.complete(null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("a  b\ncdZ\n");
    }

    @Test
    void typingAfterASplitEchoWhoseAnswerIsLateIsPublishedBeforeTheAnswer() throws Exception {
        startPair(Ordering.VSCODE, Ordering.NEOVIM, "abc\ndef\n", e -> e.debounceMs = 0);
        ed(1).echoSplit = EchoSplit.OVERSHOOT;
        ed(1).answerGate = gate;
        ed(0).edit(uri(0), 8, 8, "Q\n");
        await("both parts of the echo reached editor 1's buffer", () -> ed(1).text(uri(1)).equals("abc\ndef\nQ\n"));
        ed(1).edit(uri(1), 0, 0, "Z");
        editor0ShowsBeforeTheAnswer("Zabc\ndef\nQ\n");
        gate.complete(null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("Zabc\ndef\nQ\n");
        assertThat(repairs(1)).isZero();
    }

    @Test
    void typingNextToAnUnansweredRemoteEditWaitsForTheAnswerAndIsKeptOnce() throws Exception {
        startPair(Ordering.VSCODE, Ordering.VSCODE, "line one\nline two\n", e -> { });
        ed(1).answerGate = gate;
        int before = ed(1).applyEditsReceived;
        ed(1).beforeApply = keystroke(16, 16, "Y"); // "line tw|o", one character before the edit at 17
        ed(0).edit(uri(0), 17, 17, "X");
        awaitReceived(before + 1);
        Thread.sleep(300);
        assertThat(ed(0).text(uri(0))).as("typing touching the edit's zone is held until the answer")
                .isEqualTo("line one\nline twoX\n");
        gate.complete(null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("line one\nline twYoX\n");
        assertThat(published(1)).isZero();
    }

    /** How many didChanges editor 1's binding published before an answer. */
    private int published(int i) throws Exception {
        DocumentBinding b = s.binding(i);
        return b.call(b::publishedBeforeAnswer).get(10, TimeUnit.SECONDS);
    }
}

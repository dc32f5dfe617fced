package dev.weft.lsp.binding;

import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.Test;

import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Emacs with plain eglot (no weft.el immediate sends): eglot refuses an edit made for another version, applies the
 * others at once and answers, but reports every change — the echo included — only in its next batch, after
 * {@code eglot-send-changes-idle-time} without input. Editor 1 has that ordering; {@link SimulatedEditor#flush} is
 * the moment the user is idle. Found by {@code EditorsWithRealServerTest.emacsWithPlainEglotSendsAnEchoAfterSeconds
 * OfTypingWithoutDoubling}: an echo kept in the batch past the server's 5 s echo timeout was taken for typing and the
 * remote text appeared twice.
 */
class EglotBatchingScenariosTest extends TwoEditorScenarioTest {
    private void pair(String text) throws Exception {
        startPair(Ordering.VSCODE, Ordering.EGLOT, text, e -> { });
    }

    private static void await(String what, BooleanSupplier p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!p.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Test
    void echoBatchedWithKeystrokesPastTheEchoTimeoutIsNotReplayed() throws Exception {
        pair("hello world\n");
        int refusedBefore = ed(1).applyEditsRefused;
        ed(0).edit(uri(0), 5, 5, ",");
        await("the edit is applied in editor 1", () -> ed(1).text(uri(1)).equals("hello, world\n"), 10_000);
        ed(1).edit(uri(1), 12, 12, "!"); // typing on: nothing is sent while the user is not idle
        // The server gives up waiting for the echo and re-sends the edit; eglot refuses it (its version moved on).
        await("the edit is re-sent after the echo timeout and refused", () -> ed(1).applyEditsRefused > refusedBefore,
                DocumentBinding.ECHO_TIMEOUT_MS + 10_000);
        ed(1).flush(uri(1)); // idle: the batch goes out — the echo first, then the keystroke
        assertThat(s.awaitConverged(10_000)).isEqualTo("hello, world!\n");
    }

    @Test
    void remoteEditsWhileTypingAreShownOnceTheBatchIsSent() throws Exception {
        pair("hello world\n");
        ed(1).edit(uri(1), 0, 0, ">"); // unsent: every edit made for the server's version is refused
        ed(0).edit(uri(0), 11, 11, "!");
        int refusedBefore = ed(1).applyEditsRefused;
        await("a remote edit is refused while the user types", () -> ed(1).applyEditsRefused > refusedBefore, 10_000);
        ed(1).edit(uri(1), 1, 1, ">");
        assertThat(s.awaitConverged(10_000)).isEqualTo(">>hello world!\n");
    }

    @Test
    void echoAndKeystrokesInOneBatchBeforeTheTimeoutAreNotReplayed() throws Exception {
        pair("hello world\n");
        ed(0).edit(uri(0), 5, 5, ",");
        await("the edit is applied in editor 1", () -> ed(1).text(uri(1)).equals("hello, world\n"), 10_000);
        ed(1).edit(uri(1), 0, 0, "Oh, ");
        assertThat(s.awaitConverged(10_000)).isEqualTo("Oh, hello, world\n");
    }
}

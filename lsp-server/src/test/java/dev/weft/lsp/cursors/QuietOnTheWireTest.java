package dev.weft.lsp.cursors;

import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server sends {@code weft/remoteCursors}, hint diagnostics and {@code workspace/inlayHint/refresh} only when
 * what the editor shows changes: two editors over LSP4J pipes, each server with its own workspace, through the
 * in-memory relay.
 */
class QuietOnTheWireTest {
    @TempDir
    Path tmp;
    Session s;

    @AfterEach
    void close() {
        if (s != null) {
            s.close();
        }
    }

    /** Editor 0 shares two lines, editor 1 joins; both VS Code. */
    private void shareTwoLinesBetweenTwoVsCodes() throws Exception {
        s = new Session(tmp);
        s.addEditor(Ordering.VSCODE, null);
        s.addEditor(Ordering.VSCODE, null);
        s.share("doc.txt", "line one\nline two\n");
        s.join(1);
        s.awaitConverged(10_000);
    }

    @Test
    void typingNextToAParticipantWithoutACursorSendsNoCursorNotifications() throws Exception {
        shareTwoLinesBetweenTwoVsCodes();
        SimulatedEditor typist = s.editors.get(0);
        String uri = s.uris.get(0);
        // Editor 1 is present (announced when its buffer was bound) but never reports a selection.
        awaitParticipant(typist, "user1");
        int cursorsBefore = typist.remoteCursors.size();
        int diagnosticsBefore = typist.diagnostics.size();
        int refreshesBefore = typist.inlayRefreshes.get();

        for (int i = 0; i < 30; i++) {
            typist.edit(uri, i, i, "x");
            Thread.sleep(5);
        }
        s.awaitConverged(10_000);
        Thread.sleep(300);

        assertThat(typist.remoteCursors.size() - cursorsBefore).as("weft/remoteCursors sent while typing").isZero();
        assertThat(typist.diagnostics.size() - diagnosticsBefore).as("hint diagnostics sent while typing").isZero();
        assertThat(typist.inlayRefreshes.get() - refreshesBefore).as("inlay hint refreshes while typing").isZero();
    }

    @Test
    void aRemoteCursorIsSentWhenItMovesAndNotWhenTypingLeavesItWhereItIs() throws Exception {
        shareTwoLinesBetweenTwoVsCodes();
        SimulatedEditor viewer = s.editors.get(1);
        String uri = s.uris.get(1);
        caretOfEditor0At(2);
        awaitRemoteCursors(viewer, 1);
        assertThat(viewer.remoteCursors).hasSize(1);
        int refreshes = viewer.inlayRefreshes.get();
        assertThat(refreshes).isEqualTo(1);

        // Typing on the second line leaves the cursor (line 0, column 2) where it is: nothing to send.
        for (int i = 0; i < 10; i++) {
            viewer.edit(uri, 9 + i, 9 + i, "y");
            Thread.sleep(5);
        }
        s.awaitConverged(10_000);
        Thread.sleep(300);
        assertThat(viewer.remoteCursors).hasSize(1);
        assertThat(viewer.diagnostics).hasSize(1);
        assertThat(viewer.inlayRefreshes.get()).isEqualTo(refreshes);

        // Typing before it moves it: sent once.
        typeAtLineStartAndExpectCursorSentAt(viewer, uri, 2, 3);
        assertThat(viewer.inlayRefreshes.get()).isEqualTo(refreshes + 1);
    }

    @Test
    void aPluginThatDrawsCursorsGetsOnlyRemoteCursorsNoHintDiagnosticsNoInlayHints() throws Exception {
        s = new Session(tmp);
        s.addEditor(Ordering.VSCODE, null);
        s.extraInit.addProperty("drawsCursors", true); // editor 1 is a Weft plugin that draws cursors itself
        SimulatedEditor viewer = s.addEditor(Ordering.VSCODE, null);
        assertThat(viewer.initResult().getCapabilities().getInlayHintProvider())
                .as("inlayHintProvider claimed for a plugin that draws cursors").isEqualTo(
                        org.eclipse.lsp4j.jsonrpc.messages.Either.forLeft(false));
        assertThat(s.editors.get(0).initResult().getCapabilities().getInlayHintProvider().getLeft()).isTrue();
        s.share("doc.txt", "line one\nline two\n");
        s.join(1);
        s.awaitConverged(10_000);
        String uri = s.uris.get(1);

        for (int col = 2; col <= 4; col++) {
            caretOfEditor0At(col);
            awaitRemoteCursors(viewer, col - 1);
            assertThat(viewer.remoteCursors).hasSize(col - 1);
        }
        typeAtLineStartAndExpectCursorSentAt(viewer, uri, 4, 5); // moves the cursor: sent again
        assertThat(viewer.diagnostics).as("hint diagnostics sent to a plugin that draws cursors").isEmpty();
        assertThat(viewer.inlayRefreshes.get()).as("inlay hint refreshes sent to it").isZero();
    }

    /**
     * {@code viewer} types "z" at the start of line 0, which moves editor 0's caret: exactly {@code count}
     * {@code weft/remoteCursors} have then arrived, the last with the caret at line 0, {@code column}.
     */
    private void typeAtLineStartAndExpectCursorSentAt(SimulatedEditor viewer, String uri, int count, int column)
            throws Exception {
        viewer.edit(uri, 0, 0, "z");
        s.awaitConverged(10_000);
        awaitRemoteCursors(viewer, count);
        Thread.sleep(300);
        assertThat(viewer.remoteCursors).hasSize(count);
        assertThat(viewer.remoteCursors.get(count - 1).cursors.get(0).selections.get(0).active)
                .isEqualTo(new org.eclipse.lsp4j.Position(0, column));
    }

    /** Editor 0 reports its caret at {@code offset} of its document ({@code weft/selection}). */
    private void caretOfEditor0At(int offset) {
        WeftProtocol.SelectionParams sel = new WeftProtocol.SelectionParams();
        sel.uri = s.uris.get(0);
        sel.version = s.editors.get(0).version(sel.uri);
        sel.selections.add(new WeftProtocol.Selection(s.editors.get(0).positionOf(sel.uri, offset),
                s.editors.get(0).positionOf(sel.uri, offset)));
        s.editors.get(0).weft().selection(sel);
    }

    /** Waits up to 5 s until {@code e} has received {@code n} {@code weft/remoteCursors}. */
    private static void awaitRemoteCursors(SimulatedEditor e, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (e.remoteCursors.size() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
    }

    private static void awaitParticipant(SimulatedEditor e, String name) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            if (!e.statuses.isEmpty() && e.statuses.get(e.statuses.size() - 1).participants.stream()
                    .anyMatch(p -> name.equals(p.name))) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(name + " never became a participant");
    }
}

package dev.weft.lsp.binding;

import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.testing.Session;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.lsp.testing.SimulatedEditor.Ordering;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * In-process scenario tests: two simulated editors (LSP4J clients over pipes, each with its own server) share a
 * document through an in-memory relay; each test scripts one interleaving of real client orderings.
 */
class BindingScenariosTest extends TwoEditorScenarioTest {
    private Session pair(Ordering a, Ordering b, String text) throws Exception {
        return pair(a, b, text, null, null);
    }

    private Session pair(Ordering a, Ordering b, String text, List<String> encA, List<String> encB) throws Exception {
        shared(a, b, text, encA, encB);
        s.join(1);
        s.awaitConverged(10_000);
        return s;
    }

    /**
     * A new session {@link #s} with editors {@code a} and {@code b} (position encodings {@code encA}, {@code encB};
     * null: the default), the first sharing doc.txt holding {@code text}; the second has not joined.
     */
    private void shared(Ordering a, Ordering b, String text, List<String> encA, List<String> encB) throws Exception {
        s = new Session(tmp);
        s.addEditor(a, encA);
        s.addEditor(b, encB);
        s.share("doc.txt", text);
    }

    @Test
    void joinerGetsTheSharedTextAndRemoteTypingAppears() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "hello world\n");
        assertThat(ed(1).text(uri(1))).isEqualTo("hello world\n");
        ed(0).edit(uri(0), 5, 5, ",");
        ed(1).edit(uri(1), 0, 0, ">");
        assertThat(s.awaitConverged(10_000)).isEqualTo(">hello, world\n");
    }

    @Test
    void keystrokeDuringApplyEditIsNotLostVsCode() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "abc");
        // The user types in editor 1 just as the server's applyEdit arrives: the version no longer matches.
        ed(1).beforeApply = keystroke(3, 3, "Z");
        ed(0).edit(uri(0), 0, 0, "X");
        String text = s.awaitConverged(10_000);
        assertThat(text).isEqualTo("XabcZ");
        assertThat(ed(1).applyEditsRefused).isGreaterThanOrEqualTo(1);
    }

    @Test
    void keystrokeDuringApplyEditIsNotLostNeovimSilentSkip() throws Exception {
        pair(Ordering.VSCODE, Ordering.NEOVIM, "abc");
        ed(1).debounceMs = 30;
        ed(1).beforeApply = keystroke(1, 1, "Z"); // buffer newer than the edit: skipped, answered applied:true
        ed(0).edit(uri(0), 3, 3, "X");
        assertThat(s.awaitConverged(10_000)).isEqualTo("aZbcX");
        assertThat(ed(1).applyEditsRefused).isGreaterThanOrEqualTo(1);
    }

    @Test
    void echoAfterResponseDebouncedWithLaterKeystrokesNeovim() throws Exception {
        pair(Ordering.VSCODE, Ordering.NEOVIM, "one two");
        ed(1).debounceMs = 50;
        AtomicBoolean once = new AtomicBoolean();
        ed(1).beforeApply = p -> { };
        // After the edit is applied (echo pending in the debounce), the user types: one didChange carries both.
        ed(0).edit(uri(0), 3, 3, "!");
        long deadline = System.currentTimeMillis() + 5000;
        while (!ed(1).text(uri(1)).contains("!") && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        if (once.compareAndSet(false, true)) {
            ed(1).edit(uri(1), ed(1).text(uri(1)).length(), ed(1).text(uri(1)).length(), "?");
        }
        assertThat(s.awaitConverged(10_000)).isEqualTo("one! two?");
    }

    @Test
    void echoBeforeResponseVsCodeWithManyRemoteChanges() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "");
        for (int i = 0; i < 50; i++) {
            ed(0).edit(uri(0), i, i, Character.toString('a' + (i % 26)));
        }
        String t = s.awaitConverged(10_000);
        assertThat(t).hasSize(50).startsWith("abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void multiChangeNotificationAppliesInOrder() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "0123456789");
        // Three changes in one didChange, each relative to the previous result.
        ed(0).editMany(uri(0), new int[][]{{0, 1}, {5, 5}, {0, 0}}, new String[]{"A", "B", "C"});
        assertThat(s.awaitConverged(10_000)).isEqualTo("CA1234B56789");
    }

    @Test
    void fullReplacementIsReducedToMinimalDiffAndKeepsConcurrentEdits() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "alpha\nbeta\ngamma\n");
        // Editor 0 shows remote edits late, so "[B]" cannot reach its buffer before its reload: truly concurrent
        // (on a fast machine it otherwise arrived first and the reload, which lacks it, rightly deleted it).
        ed(0).applyDelayMs = 300;
        ed(1).edit(uri(1), 0, 0, "[B]"); // concurrent edit at the start by the other editor
        // Editor 0 "reloads" with a change at the end, sending the whole text (Full sync / formatter style).
        ed(0).replaceAll(uri(0), "alpha\nbeta\ngamma!\n");
        assertThat(s.awaitConverged(10_000)).isEqualTo("[B]alpha\nbeta\ngamma!\n");
    }

    @Test
    void crlfAndCrFilesKeepTheirLineEndings() throws Exception {
        pair(Ordering.VSCODE, Ordering.NEOVIM, "l1\r\nl2\r\nl3\rold-mac\r");
        ed(1).applyDelayMs = 300;            // "x" must not reach editor 1 before its own edit at offset 10
        ed(0).edit(uri(0), 6, 6, "x");       // end of line 2, before its \r\n
        ed(1).edit(uri(1), 10, 10, "\r\nnew"); // after "l3", before its lone \r
        String t = s.awaitConverged(10_000);
        assertThat(t).isEqualTo("l1\r\nl2x\r\nl3\r\nnew\rold-mac\r");
        assertThat(t.replace("\r\n", "").indexOf('\n')).isEqualTo(-1); // no bare \n introduced
    }

    @Test
    void surrogatePairsInUtf8AndUtf32Editors() throws Exception {
        pair(Ordering.VSCODE, Ordering.NEOVIM, "a😀b\n😁c", List.of("utf-8", "utf-16"), List.of("utf-32"));
        assertThat(ed(0).encoding()).isEqualTo(PositionEncoding.UTF8);
        assertThat(ed(1).encoding()).isEqualTo(PositionEncoding.UTF32);
        ed(0).edit(uri(0), 3, 3, "🎉");   // after 😀
        // Wait for 🎉 to reach editor 1 so the offset after 😁 on line 2 is known (UTF-16 offset 9).
        assertThat(s.awaitConverged(10_000)).isEqualTo("a😀🎉b\n😁c");
        ed(1).edit(uri(1), 9, 9, "é");
        assertThat(s.awaitConverged(10_000)).isEqualTo("a😀🎉b\n😁éc");
    }

    @Test
    void pauseAccumulatesAndResumeAppliesEverything() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "base");
        ed(1).command(WeftProtocol.PAUSE, null);
        ed(0).edit(uri(0), 4, 4, " one");
        ed(0).edit(uri(0), 8, 8, " two");
        Thread.sleep(300);
        assertThat(ed(1).text(uri(1))).isEqualTo("base");
        ed(1).edit(uri(1), 0, 0, "my ");
        Thread.sleep(100);
        assertThat(ed(1).text(uri(1))).isEqualTo("my base");
        com.google.gson.JsonObject arg = new com.google.gson.JsonObject();
        arg.addProperty("uri", uri(1));
        // Undo while paused would change the others' text but not this editor's (held back): refused.
        assertThatThrownBy(() -> ed(1).command(WeftProtocol.UNDO, arg)).hasStackTraceContaining("resume them before");
        assertThat(ed(1).text(uri(1))).isEqualTo("my base");
        ed(1).command(WeftProtocol.RESUME, null);
        assertThat(s.awaitConverged(10_000)).isEqualTo("my base one two");
        ed(1).command(WeftProtocol.UNDO, arg);
        assertThat(s.awaitConverged(10_000)).as("undo after resume removes only the own edit").isEqualTo("base one two");
    }

    @Test
    void undoRedoOwnChangesLeavesCollaboratorEditsIntact() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "start\n");
        // Editor 0 types a word; editor 1 types around it.
        for (char c : "hello".toCharArray()) {
            String t = ed(0).text(uri(0));
            ed(0).edit(uri(0), t.length(), t.length(), Character.toString(c));
        }
        s.awaitConverged(10_000);
        ed(1).edit(uri(1), 0, 0, "B:");
        String t1 = ed(1).text(uri(1));
        ed(1).edit(uri(1), t1.length(), t1.length(), ":B");
        assertThat(s.awaitConverged(10_000)).isEqualTo("B:start\nhello:B");
        com.google.gson.JsonObject arg = new com.google.gson.JsonObject();
        arg.addProperty("uri", uri(0));
        ed(0).command(WeftProtocol.UNDO, arg);
        assertThat(s.awaitConverged(10_000)).isEqualTo("B:start\n:B");
        ed(0).command(WeftProtocol.REDO, arg);
        assertThat(s.awaitConverged(10_000)).isEqualTo("B:start\nhello:B");
    }

    @Test
    void verifyMismatchRepairsTheBufferFromTheReplica() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "good text");
        // Corrupt editor 1's buffer behind the server's back (no didChange): a lost edit.
        synchronized (ed(1)) {
            ed(1).buffer(uri(1)).text = "good tXxt";
        }
        WeftProtocol.VerifyParams p = new WeftProtocol.VerifyParams();
        p.uri = uri(1);
        p.version = ed(1).version(uri(1));
        p.sha256 = DocumentBinding.sha256("good tXxt");
        WeftProtocol.VerifyResult r = ed(1).weft().verify(p).get(10, TimeUnit.SECONDS);
        assertThat(r.ok).isFalse();
        assertThat(r.repaired).isTrue();
        assertThat(r.repairs).isEqualTo(1);
        assertThat(s.awaitConverged(10_000)).isEqualTo("good text");
        p.version = ed(1).version(uri(1));
        p.sha256 = DocumentBinding.sha256("good text");
        assertThat(ed(1).weft().verify(p).get(10, TimeUnit.SECONDS).ok).isTrue();
        Thread.sleep(700);
        assertThat(ed(1).statuses.get(ed(1).statuses.size() - 1).repairs).isEqualTo(1);
    }

    @Test
    void remoteCursorsArriveAsNotificationsInlayHintsAndDiagnostics() throws Exception {
        pair(Ordering.VSCODE, Ordering.VSCODE, "line one\nline two\n");
        WeftProtocol.SelectionParams sel = new WeftProtocol.SelectionParams();
        sel.uri = uri(0);
        sel.version = ed(0).version(uri(0));
        sel.selections.add(new WeftProtocol.Selection(ed(0).positionOf(uri(0), 14), ed(0).positionOf(uri(0), 14)));
        ed(0).weft().selection(sel);
        long deadline = System.currentTimeMillis() + 5000;
        while (ed(1).remoteCursors.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        WeftProtocol.RemoteCursors rc = ed(1).remoteCursors.get(ed(1).remoteCursors.size() - 1);
        assertThat(rc.uri).isEqualTo(uri(1));
        assertThat(rc.cursors).hasSize(1);
        assertThat(rc.cursors.get(0).name).isEqualTo("user0");
        assertThat(rc.cursors.get(0).selections.get(0).active).isEqualTo(new org.eclipse.lsp4j.Position(1, 5));
        // The cursor follows its character when text is inserted before it.
        ed(1).edit(uri(1), 0, 0, "new first line\n");
        deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline && !ed(1).remoteCursors.get(ed(1).remoteCursors.size() - 1)
                .cursors.get(0).selections.get(0).active.equals(new org.eclipse.lsp4j.Position(2, 5))) {
            Thread.sleep(10);
        }
        assertThat(ed(1).remoteCursors.get(ed(1).remoteCursors.size() - 1).cursors.get(0).selections.get(0).active)
                .isEqualTo(new org.eclipse.lsp4j.Position(2, 5));
        InlayHintParams ip = new InlayHintParams(new TextDocumentIdentifier(uri(1)),
                new Range(new org.eclipse.lsp4j.Position(0, 0), new org.eclipse.lsp4j.Position(10, 0)));
        // inlay hints through the server shell
        List<InlayHint> hints = ed(1).serverImpl().getTextDocumentService().inlayHint(ip).get(5, TimeUnit.SECONDS);
        assertThat(hints).hasSize(1);
        assertThat(hints.get(0).getLabel().getLeft()).isEqualTo("‹user0›");
        assertThat(ed(1).diagnostics).isNotEmpty();
        Thread.sleep(700);
        WeftProtocol.Status st = ed(1).statuses.get(ed(1).statuses.size() - 1);
        assertThat(st.participants).extracting(p -> p.name).contains("user0");
        WeftProtocol.Status st0 = ed(0).statuses.get(ed(0).statuses.size() - 1);
        assertThat(st0.participants).extracting(p -> p.name).contains("user1"); // present without a selection
        assertThat(st.state).isEqualTo("connected");
    }

    @Test
    void readOnlyMemberSeesChangesAndItsOwnEditsAreReverted() throws Exception {
        shared(Ordering.VSCODE, Ordering.VSCODE, "shared\n", null, null);
        // join with the read-only link
        SimulatedEditor e0 = ed(0);
        Thread.sleep(600);
        String ro = e0.awaitStatus(st -> st.readOnlyInviteLink != null, 10_000).readOnlyInviteLink;
        assertThat(ro).isNotNull();
        s.link = ro;
        s.join(1);
        assertThat(s.awaitConverged(10_000)).isEqualTo("shared\n");
        ed(1).edit(uri(1), 0, 0, "nope ");          // cannot be shared: reverted in the editor
        ed(0).edit(uri(0), 6, 6, "!");               // the editor's changes still arrive
        assertThat(s.awaitConverged(10_000)).isEqualTo("shared!\n");
        ed(1).edit(uri(1), 0, 0, "again ");         // a second edit soon after: reverted, no second notice
        assertThat(s.awaitConverged(10_000)).isEqualTo("shared!\n");
        assertThat(ed(1).shownMessages).as("the read-only user is told why the edits vanished, once")
                .singleElement().asString().startsWith("Warning: Weft: you joined this session read-only")
                .contains("doc.txt");
        assertThat(ed(0).shownMessages).as("the editor is not bothered").isEmpty();
        Thread.sleep(700);
        assertThat(ed(1).statuses.get(ed(1).statuses.size() - 1).role).isEqualTo("read-only");
    }

    @Test
    void rejoiningReadOnlyAfterEditingShowsNothingUnsent() throws Exception {
        // VS Code e2e: Bob edited, left, joined again with the read-only link; his journal restored his replica and
        // the status said "55 unsent" for ever, since a read-only member never sends and so is never acked.
        shared(Ordering.VSCODE, Ordering.VSCODE, "shared\n", null, null);
        String editorLink = s.link;
        s.join(1);
        ed(1).edit(uri(1), 0, 0, "mine ");
        assertThat(s.awaitConverged(10_000)).isEqualTo("mine shared\n");
        SimulatedEditor e0 = ed(0);
        String ro = e0.awaitStatus(st -> st.readOnlyInviteLink != null, 10_000).readOnlyInviteLink;
        assertThat(ro).isNotNull();
        ed(1).command(WeftProtocol.LEAVE, null);
        s.link = ro;
        s.join(1);
        s.link = editorLink;
        ed(0).edit(uri(0), 11, 11, "!");
        assertThat(s.awaitConverged(10_000)).isEqualTo("mine shared!\n");
        Thread.sleep(700); // statuses are sent on every change; let the last ones arrive
        WeftProtocol.Status st = ed(1).statuses.get(ed(1).statuses.size() - 1);
        assertThat(st.role).isEqualTo("read-only");
        assertThat(st.unsent).as("unsent changes of a read-only member").isZero();
    }
}

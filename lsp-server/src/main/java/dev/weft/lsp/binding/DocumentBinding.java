package dev.weft.lsp.binding;

import dev.weft.client.text.MinimalDiff;
import dev.weft.crdt.model.IdSet;
import dev.weft.crdt.model.LocalEdit;
import dev.weft.crdt.model.TextChange;
import dev.weft.crdt.TextDocument;
import dev.weft.client.SharedDocument;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Binds one open editor buffer to its shared replica (docs/lsp.md, "The binding").
 *
 * <p>State: the replica (truth for the merged text), the <em>editor view</em> (the buffer's text at the
 * editor's latest known version) and an {@link Alignment} recording the remote changes the editor has not been
 * shown yet. Invariant ({@link #checkInvariants()}): view + pending = replica text.
 *
 * <p>Protocol with the editor:
 * <ul>
 * <li>User edits ({@code didChange}) become local CRDT operations, mapped through the alignment.</li>
 * <li>Pending changes are shown with <b>one</b> outstanding {@code workspace/applyEdit} at a time, one contiguous
 * region per edit, versioned with the view's version so the editor refuses it if the user typed first.</li>
 * <li>Echo recognition by content: while an edit is outstanding, the first prefix of a {@code didChange}'s
 * changes that turns the view into exactly the expected text is the echo (it is not turned into operations);
 * a user change that comes first makes the edit <em>uncertain</em>: its changes are pending again, nothing
 * new is sent, and later changes that turn the view into "the view with the edit's range replaced by its text"
 * are its late echo (VS Code's active editor: the renderer checks the version, then rewrites the edit into minimal
 * edits without a version and applies them after the keystroke at their old positions, so it may have landed
 * shifted; docs/vscode.md §8). A late echo is taken into the view as it is — never turned into
 * operations — and the alignment is rebuilt from the view and the replica, which corrects a shifted edit with
 * a minimal applyEdit. {@code applied:false}, or no echo within {@link #LATE_ECHO_GRACE_MS} of
 * {@code applied:true}, ends the uncertainty and the edit is retried at the new version.
 * This covers the real orderings: vscode-languageclient 9 (echo before the applyEdit response, or after a
 * keystroke typed while the renderer had not applied it yet; a version mismatch answers {@code applied:false})
 * and Neovim 0.7–0.10 (edit applied inside the request handler, response first, {@code didChange} later,
 * possibly debounced together with later keystrokes; a stale version is skipped silently yet answered
 * {@code applied:true}).</li>
 * <li>Split echoes: before the answer, a {@code didChange} that does not complete the echo is held, and the echo
 * rule is applied to all held changes in order, so an echo reported in several notifications (Neovim with
 * {@code debounce_text_changes = 0} appending at the end of the buffer: an overshooting insertion, then a deletion)
 * is recognised. If the answer comes first, {@code applied:false} makes them typing; {@code applied:true} takes them
 * as the echo plus typing when the editor's text differs from "view + edit" only outside the edit's text, and
 * otherwise handles them one by one as above.</li>
 * <li>Typing while an edit is unanswered is published at once when it cannot be a part of the echo: a didChange
 * whose changes all lie wholly outside the edit's <em>zone</em> (its region, or the echoed text once a provisional
 * echo was taken, widened by {@link OutstandingEdit#ZONE_MARGIN}). Before any part of the echo such a change is
 * typing against the text without the edit (the didChange stream is in buffer order), so the edit is overtaken as
 * above; after a provisional echo it is typing against the text with it, and its replica changes are added to the
 * echo's snapshot, so that a refusal replays the echo as typing and then rebuilds the alignment from the editor's
 * text. Only a didChange touching the zone is held (or deferred, with everything after it) until the answer: it
 * may be a part of a split echo, or the user's own identical typing (docs/lsp.md, "Typing while an edit is
 * unanswered").</li>
 * </ul>
 *
 * <p>The protocol state of the outstanding applyEdit (sent, held, echoed, answered, uncertain, overdue, refused) and
 * its legal transitions live in {@link OutstandingEdit} (an enum of states and a state × event table); this class
 * maps edits between the editor view, the alignment and the replica, and tells it which event happened.
 *
 * <p>Threading: every method runs on the shared document's serial executor, which also confines the replica;
 * the public entry points hop onto it, so LSP4J's message thread never blocks.
 */
public final class DocumentBinding {
    private static final Logger LOG = Logger.getLogger(DocumentBinding.class.getName());
    /** Retries an edit the editor refused before we saw its new version after this delay. */
    static final long RETRY_AFTER_REFUSAL_MS = 200;
    /** An edit answered {@code applied:true} whose echo never came is assumed skipped after this delay. */
    static final long ECHO_TIMEOUT_MS = 5_000;
    /**
     * How long after {@code applied:true} an uncertain edit's late echo is still expected (VS Code's renderer
     * applies it right after the keystrokes that overtook it; Neovim's skipped edits never echo).
     */
    static final long LATE_ECHO_GRACE_MS = 1_000;
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "weft-binding-timer");
        t.setDaemon(true);
        return t;
    });

    /** The editor's document URI. Immutable. */
    private final String uri;
    /** Column unit negotiated with the editor. Immutable. */
    private final PositionEncoding encoding;
    /** Network side: executor, sync, publish. Immutable reference. */
    private final SharedDocument shared;
    /** The replica; executor only. Immutable reference. */
    private final TextDocument replica;
    /** Where applyEdits go. Immutable reference. */
    private final EditorPort editor;
    /** Called (on the executor) after every change of what status reports; immutable reference. */
    private final Runnable statusChanged;
    /** The user's own edit groups. */
    private final UndoHistory history;
    /** Editor view: the buffer text at {@link #viewVersion}. */
    private String view;
    /** Line index of {@link #view}, built on demand; null when stale. */
    private LineIndex viewLines;
    /** The editor's latest known version. */
    private int viewVersion;
    /** View ↔ replica, with the pending remote changes. */
    private Alignment alignment;
    /** The outstanding applyEdit's protocol state: in flight, held, echoed, answered, uncertain, overdue. */
    private final OutstandingEdit edit;
    /** At most this many notifications are held; one more and they are taken as typing (a split echo has 2). */
    static final int MAX_HELD = OutstandingEdit.MAX_HELD;

    /** True while incoming changes must not be shown (weft.pause). */
    private boolean paused;
    /** Number of verify mismatches repaired. */
    private int repairs;
    /** Set by close(); later events are ignored. */
    private boolean closed;
    /** Listeners told after the view changed (remote cursors re-rendering); executor only. */
    private final List<Consumer<DocumentBinding>> viewListeners = new ArrayList<>();
    /**
     * Listeners told, after a didChange that contained the user's own typing (not an echo of a server edit), the
     * view offset right after the user's last change; executor only.
     */
    private final List<java.util.function.BiConsumer<DocumentBinding, Integer>> typingListeners = new ArrayList<>();
    /**
     * Listeners told of the ids of every deletion the user makes here (typing, undo), on the executor: deletions
     * have no ids of their own in the CRDT, so authorship records them from here ({@code docs/git.md}).
     */
    private final List<Consumer<IdSet>> deletionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * How many didChanges were published while an applyEdit was unanswered, instead of waiting for its answer (a
     * didChange outside the edit's zone: OVERTAKEN in SENT, TYPED in ECHOED); executor only.
     */
    private int publishedBeforeAnswer;
    /** View offset right after the user's last own change in the current didChange; -1 if it had none. */
    private int userEditEnd = -1;
    /**
     * Logs every didChange, applyEdit and answer with the protocol state at INFO when true
     * ({@code -Dweft.traceBinding=true}), at FINE otherwise: the ordering an editor really produced.
     */
    private static final boolean TRACE = Boolean.getBoolean("weft.traceBinding");
    /** Checks invariants after every step when true (tests; -Dweft.checkInvariants=true). */
    private final boolean paranoid = Boolean.getBoolean("weft.checkInvariants");

    /** Result of {@link #matchEcho}: how many leading changes are the echo, and whether the editor added a final newline. */
    private record EchoMatch(int count, boolean finalNewline) {
        static final EchoMatch NONE = new EchoMatch(0, false);
    }

    /** Minimum time between two read-only notices for one document. */
    static final long READ_ONLY_NOTICE_INTERVAL_NANOS = 30_000_000_000L;
    /** Monotonic clock (nanoseconds) for undo grouping and notices; immutable. */
    private final java.util.function.LongSupplier clock;
    /** When the user was last told that this read-only document's edits are reverted; null = never. */
    private Long readOnlyNoticeNanos;

    private DocumentBinding(String uri, PositionEncoding encoding, SharedDocument shared, TextDocument replica,
                            EditorPort editor, Runnable statusChanged, String text, int version,
                            java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.uri = uri;
        this.encoding = encoding;
        this.shared = shared;
        this.replica = replica;
        this.editor = editor;
        this.statusChanged = statusChanged;
        this.history = new UndoHistory(clock);
        this.view = text;
        this.viewVersion = version;
        this.alignment = new Alignment(text.length());
        this.edit = new OutstandingEdit(uri);
    }

    /**
     * Binds an editor buffer that just opened ({@code didOpen}) with {@code text} at {@code version} to
     * {@code replica} (shared through {@code shared}). Returns at once; the setup runs on the document's executor before any later call on the binding.
     *
     * <p>If the replica is empty and the buffer is not (the user shares a file), the buffer's text becomes the
     * replica's content as a local edit. Otherwise the replica is the truth: any difference is shown in the editor
     * as pending changes, reduced to a minimal diff.
     */
    public static DocumentBinding open(String uri, PositionEncoding encoding, SharedDocument shared,
                                       TextDocument replica, EditorPort editor, Runnable statusChanged,
                                       String text, int version, java.util.function.LongSupplier clock) {
        DocumentBinding b = new DocumentBinding(uri, encoding, shared, replica, editor, statusChanged, text, version,
                clock);
        b.run(b::start);
        return b;
    }

    private void start() {
        shared.addRemoteChangeListener(changes -> {
            if (!closed) {
                onReplicaChanges(changes);
            }
        });
        String r = replica.getText();
        if (r.isEmpty() && !view.isEmpty() && !shared.isReadOnly()) {
            applyLocalToReplica(List.of(TextChange.insert(0, view)), view, false);
            // The buffer's content is not an "own edit" to undo: closing the group is not enough, drop it.
            history.popUndo();
        } else if (!r.equals(view)) {
            realign();
        }
        afterStep();
    }

    /**
     * Rebuilds the alignment from scratch as "view, then the minimal diff to the replica pending". Requires no
     * applyEdit outstanding.
     */
    private void realign() {
        alignment = new Alignment(view.length());
        for (TextChange c : MinimalDiff.changes(view, replica.getText())) {
            alignment.replicaChange(c);
        }
    }

    // ---- entry points (any thread) -----------------------------------------------------------------------------

    /** Handles {@code textDocument/didChange}: the changes apply in order, each to the result of the previous. */
    public void didChange(int version, List<TextDocumentContentChangeEvent> changes) {
        run(() -> onDidChange(version, changes));
    }

    /** Stops showing incoming changes (they accumulate in the replica and the alignment). */
    public void setPaused(boolean p) {
        run(() -> {
            paused = p;
            afterStep();
        });
    }

    /** Undoes the user's newest own edit group; completes with true if there was one. */
    public CompletableFuture<Boolean> undo() {
        return call(() -> selectiveUndo(true));
    }

    /** Redoes the newest undone group; completes with true if there was one. */
    public CompletableFuture<Boolean> redo() {
        return call(() -> selectiveUndo(false));
    }

    /**
     * Compares the editor's buffer hash at {@code version} with the editor view; on mismatch, rewrites the buffer
     * from the replica and counts a repair.
     *
     * @return the verify result; {@code ok} is true (and nothing is checked) if {@code version} is not the view's
     *         version, since the texts are then not comparable
     */
    public CompletableFuture<VerifyOutcome> verify(int version, String sha256Hex) {
        return call(() -> {
            if (version != viewVersion || edit.state() == OutstandingEdit.State.HOLDING
                    || edit.state() == OutstandingEdit.State.ECHOED) {
                return new VerifyOutcome(true, false, repairs());
            }
            if (sha256(view).equalsIgnoreCase(sha256Hex)) {
                return new VerifyOutcome(true, false, repairs());
            }
            repairs++;
            LOG.warning("verify mismatch for " + uri + " at version " + version + ": repairing from the replica");
            repairFromReplica();
            statusChanged.run();
            return new VerifyOutcome(false, true, repairs());
        });
    }

    /** Result of {@link #verify(int, String)}. */
    public record VerifyOutcome(boolean ok, boolean repaired, int repairs) {
    }

    /** Detaches from the editor (didClose); the replica stays shared. */
    public void close() {
        run(() -> closed = true);
    }

    /** Runs {@code f} on the document's executor. */
    public <T> CompletableFuture<T> call(java.util.function.Supplier<T> f) {
        return CompletableFuture.supplyAsync(f, shared.executor());
    }

    // ---- accessors (executor only) ---------------------------------------------------------------------------

    public String uri() {
        return uri;
    }

    public SharedDocument shared() {
        return shared;
    }

    public TextDocument replica() {
        return replica;
    }

    public String view() {
        return view;
    }

    public int viewVersion() {
        return viewVersion;
    }

    public PositionEncoding encoding() {
        return encoding;
    }

    public Alignment alignment() {
        return alignment;
    }

    public LineIndex viewLines() {
        if (viewLines == null) {
            viewLines = new LineIndex(view);
        }
        return viewLines;
    }

    /** Repairs so far: editor buffers rewritten after a verify mismatch plus replicas replaced from the room's state. */
    public int repairs() {
        return repairs + shared.roomRepairs();
    }

    public boolean isPaused() {
        return paused;
    }

    public boolean hasInflight() {
        return edit.inFlight();
    }

    public UndoHistory history() {
        return history;
    }

    /** Adds a listener called on the executor after the editor view or the alignment changed. */
    public void addViewListener(Consumer<DocumentBinding> l) {
        viewListeners.add(l);
    }

    /**
     * Adds a listener called on the executor after a didChange that held the user's own typing, with the view
     * offset right after the last typed change (where a caret would be); echoes of server edits never call it.
     */
    public void addTypingListener(java.util.function.BiConsumer<DocumentBinding, Integer> l) {
        typingListeners.add(l);
    }

    /** Adds a listener for the ids of the user's own deletions (see {@link #deletionListeners}). */
    public void addLocalDeletionListener(Consumer<IdSet> l) {
        deletionListeners.add(l);
    }

    private void deleted(IdSet ids) {
        if (!ids.isEmpty()) {
            for (Consumer<IdSet> l : deletionListeners) {
                l.accept(ids);
            }
        }
    }

    /** How many didChanges were published before the answer of an outstanding applyEdit (tests, executor only). */
    int publishedBeforeAnswer() {
        return publishedBeforeAnswer;
    }

    /** The outstanding applyEdit's protocol state (tests). */
    OutstandingEdit.State editState() {
        return edit.state();
    }

    /**
     * Throws {@link IllegalStateException} if the binding's invariant is broken: the outstanding edit's state carries
     * only the data it may ({@link OutstandingEdit#checkInvariants()}), the alignment is well formed, its view length
     * is the view's, and (with no applyEdit outstanding) view + pending = replica text.
     */
    public void checkInvariants() {
        edit.checkInvariants();
        alignment.checkInvariants(view, replica.getText());
    }

    // ---- executor ---------------------------------------------------------------------------------------------

    private void onDidChange(int version, List<TextDocumentContentChangeEvent> changes) {
        if (closed) {
            return;
        }
        trace(() -> "didChange v" + version + " " + describe(changes) + " in " + edit.state() + " (view v" + viewVersion
                + ")");
        if (edit.provisional() != null) {
            Integer shift = edit.takesTypingAroundEcho() ? shiftOutsideZone(changes) : null;
            if (shift == null) {
                edit.defer(() -> onDidChange(version, changes));
                return;
            }
            trace(() -> "typing outside the provisional echo's zone: published before the answer");
            edit.typed(shift);
            publishedBeforeAnswer++;
            takeChanges(version, changes);
            return;
        }
        OutstandingEdit.Edit o = edit.takeOverdue();
        if (o != null && !changes.isEmpty() && o.isEchoedBy(changes.get(0))) {
            takeOverdueEcho(version, changes);
            return;
        }
        if (edit.holdsChanges()) {
            if (edit.state() == OutstandingEdit.State.SENT && shiftOutsideZone(changes) != null) {
                // Before any part of the echo: typing against the text without the edit (docs/lsp.md).
                trace(() -> "typing outside the zone of the unanswered v" + edit.current().baseVersion()
                        + ": overtaken, published before the answer");
                publishedBeforeAnswer++;
                takeChanges(version, changes);
                return;
            }
            holdOrTakeEcho(version, changes);
            return;
        }
        takeChanges(version, changes);
    }

    /**
     * If every one of {@code changes} (applied in order to the view) lies wholly outside the outstanding edit's zone
     * (more than {@link OutstandingEdit#ZONE_MARGIN} code units away, see {@link OutstandingEdit}) and at least one
     * changes something, returns how much they move the zone (the length change of those before it); else null.
     */
    private Integer shiftOutsideZone(List<TextDocumentContentChangeEvent> changes) {
        int zs = edit.zoneStart();
        int ze = edit.zoneEnd();
        int shift = 0;
        boolean any = false;
        String t = view;
        for (TextDocumentContentChangeEvent c : changes) {
            if (c.getRange() == null) {
                return null;
            }
            LineIndex li = t == view ? viewLines() : new LineIndex(t);
            int s = li.offsetOf(c.getRange().getStart(), encoding);
            int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
            int delta = c.getText().length() - (e - s);
            if (e + OutstandingEdit.ZONE_MARGIN < zs) {
                zs += delta;
                ze += delta;
                shift += delta;
            } else if (s <= ze + OutstandingEdit.ZONE_MARGIN) {
                return null;
            }
            any |= e > s || !c.getText().isEmpty();
            t = t.substring(0, s) + c.getText() + t.substring(e);
        }
        return any ? shift : null;
    }

    /**
     * A didChange while the outstanding edit is unanswered and not echoed: if it completes the echo together with
     * the notifications held before it, that echo is taken (provisionally, until the answer); otherwise it is
     * held until the next notification or the answer.
     */
    private void holdOrTakeEcho(int version, List<TextDocumentContentChangeEvent> changes) {
        edit.hold(new OutstandingEdit.Held(version, List.copyOf(changes)));
        List<OutstandingEdit.Held> held = edit.held();
        List<TextDocumentContentChangeEvent> all = new ArrayList<>();
        for (OutstandingEdit.Held h : held) {
            all.addAll(h.changes());
        }
        EchoMatch m = matchEcho(all);
        int k = m.count();
        if (k == 0) {
            if (held.size() > MAX_HELD) {
                List<OutstandingEdit.Held> typed = edit.release();
                trace(() -> typed.size() + " changes on " + uri + " without the echo; taking them as typing");
                for (OutstandingEdit.Held h : typed) {
                    takeChanges(h.version(), h.changes());
                }
            }
            return;
        }
        // The echo ends inside this notification (earlier prefixes were checked when they arrived).
        int parts = held.size();
        if (parts > 1) {
            trace(() -> "echo of one applyEdit split over " + parts + " didChange on " + uri);
        }
        String expected = edit.current().expected();
        trace(() -> "provisional echo of v" + edit.current().baseVersion() + " from " + parts + " held notification(s)");
        edit.echo(new OutstandingEdit.Provisional(view, alignment.copy(), version, List.copyOf(all.subList(0, k)),
                new ArrayList<>()));
        deferFinalNewlineIfMatched(m, version);
        view = expected;
        viewLines = null;
        LatencyTrace.mark("echo", uri, view.length(), version);
        alignment.echoed();
        viewVersion = version;
        afterStep();
        if (k < all.size()) {
            onDidChange(version, List.copyOf(all.subList(k, all.size()))); // published at once or deferred
        }
    }

    /**
     * The first of {@code changes} is the late echo of the overdue edit (eglot's batch, sent after the user stopped
     * typing): the re-sent copy of the edit, if still outstanding, is forgotten (its answer is ignored; an editor
     * whose version moved on refuses it anyway), the echo is taken into the view as it is, the alignment is
     * rebuilt, and the rest of the notification is the user's typing.
     */
    private void takeOverdueEcho(int version, List<TextDocumentContentChangeEvent> changes) {
        trace(() -> "late echo of an applyEdit on " + uri + " after the echo timeout (batched by the editor)");
        abandonCurrent();
        takeLateEcho(changes.get(0));
        takeChanges(version, changes.subList(1, changes.size()));
    }

    /** Forgets the outstanding edit, if any (ABANDON): a non-repair edit's changes become pending again. */
    private void abandonCurrent() {
        OutstandingEdit.Edit f = edit.current();
        if (f != null && !f.repair()) {
            alignment.rejected();
        }
        edit.abandon();
    }

    /** A didChange handled at once: the echo (or late echo) of an edit, then the user's changes. */
    private void takeChanges(int version, List<TextDocumentContentChangeEvent> changes) {
        List<TextDocumentContentChangeEvent> todo = changes;
        List<TextDocumentContentChangeEvent> afterProvisionalEcho = List.of();
        int k = 0;
        if (edit.awaitsEcho()) {
            OutstandingEdit.Edit f = edit.current();
            EchoMatch m = matchEcho(changes);
            k = m.count();
            if (k > 0) {
                boolean provisional = !edit.isAnswered() && !f.repair();
                int echoCount = k;
                trace(() -> "echo of v" + f.baseVersion() + " (" + echoCount + " change(s)" + (provisional
                        ? ", provisional)" : ")"));
                edit.echo(provisional ? new OutstandingEdit.Provisional(view, alignment.copy(), version,
                        List.copyOf(changes.subList(0, k)), new ArrayList<>()) : null);
                if (provisional) {
                    deferFinalNewlineIfMatched(m, version);
                    if (k < changes.size()) {
                        afterProvisionalEcho = List.copyOf(changes.subList(k, changes.size()));
                        todo = changes.subList(0, k);
                    }
                }
                view = f.expected();
                viewLines = null;
                LatencyTrace.mark("echo", uri, view.length(), version);
                if (f.repair()) {
                    realign(); // remote changes that arrived meanwhile become pending again
                } else {
                    alignment.echoed();
                }
                if (m.finalNewline() && !provisional) { // answered already: the newline is typing now
                    trace(() -> "echo on " + uri + " came with a final newline added by the editor; publishing it");
                    applyLocalEdit(view.length(), view.length(), "\n");
                }
            } else {
                trace(() -> "overtaken: a user change before the echo of v" + f.baseVersion());
                // A user change came before the echo. Version-checking editors usually refuse the edit now, but
                // VS Code's renderer may still apply it after the keystroke: the edit becomes uncertain.
                if (!f.repair()) {
                    alignment.rejected();
                }
                edit.overtaken();
                if (edit.isAnswered()) {
                    expectLateEcho(f);
                }
            }
        }
        userEditEnd = -1;
        for (; k < todo.size(); k++) {
            int late = edit.isUncertain() ? matchLateEcho(todo.subList(k, todo.size())) : 0;
            if (late > 0) {
                takeLateEcho(todo.subList(k, k + late));
                k += late - 1;
            } else {
                applyUserChange(todo.get(k));
            }
        }
        if (userEditEnd >= 0) {
            LatencyTrace.mark("local", uri, view.length(), version);
        }
        viewVersion = version;
        edit.changed();
        afterStep();
        int typedEnd = userEditEnd;
        if (typedEnd >= 0 && !closed) {
            for (java.util.function.BiConsumer<DocumentBinding, Integer> l : typingListeners) {
                try {
                    l.accept(this, Math.min(typedEnd, view.length()));
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "typing listener failed", e);
                }
            }
        }
        if (!afterProvisionalEcho.isEmpty()) {
            onDidChange(version, afterProvisionalEcho); // published at once or deferred
        }
    }

    /**
     * The late echo of the uncertain (or overdue) edit: the editor applied it after user changes, with its original
     * range, so it may sit elsewhere than the replica says. The view takes the editor's text as it is (no operation
     * is created) and the alignment is rebuilt from view and replica, so any misplacement is corrected by the next
     * applyEdit.
     */
    private void takeLateEcho(TextDocumentContentChangeEvent c) {
        takeLateEcho(List.of(c));
    }

    /** {@link #takeLateEcho(TextDocumentContentChangeEvent)} for a late echo made of several changes. */
    private void takeLateEcho(List<TextDocumentContentChangeEvent> changes) {
        view = applyToText(view, changes);
        viewLines = null;
        if (edit.isUncertain()) {
            edit.lateEcho();
        }
        realign();
        trace(() -> "late echo of an overtaken applyEdit on " + uri + "; realigned");
    }

    /**
     * How many leading {@code changes} are the late echo of the uncertain edit (0 if none): the changes that turn the
     * view into "the view with the edit's range, read in today's view, replaced by its text" — what VS Code does when
     * it applies an edit after a keystroke. It need not carry the edit's range and text: for the active editor VS Code
     * first rewrites an edit into "more minimal" edits (a replacement "c2" → "2ce" becomes a deletion of "c" and an
     * insertion of "ce" after the "2") and applies those at their old positions (docs/vscode.md §8); only the result
     * is the same. A keystroke typed inside the edit's range before it was applied changes that result: then the echo
     * is not recognised.
     */
    private int matchLateEcho(List<TextDocumentContentChangeEvent> changes) {
        OutstandingEdit.Edit f = edit.current();
        LineIndex li = viewLines();
        int s = li.offsetOf(f.range().getStart(), encoding);
        int e = Math.max(s, li.offsetOf(f.range().getEnd(), encoding));
        String late = view.substring(0, s) + f.text() + view.substring(e);
        String scratch = view;
        for (int i = 0; i < changes.size(); i++) {
            scratch = applyToText(scratch, changes.subList(i, i + 1));
            if (scratch.length() == late.length() && scratch.equals(late)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** {@code text} after {@code changes}, each applied to the result of the previous (LSP didChange semantics). */
    private String applyToText(String text, List<TextDocumentContentChangeEvent> changes) {
        String t = text;
        for (TextDocumentContentChangeEvent c : changes) {
            if (c.getRange() == null) {
                t = c.getText();
                continue;
            }
            LineIndex li = t.equals(view) ? viewLines() : new LineIndex(t);
            int s = li.offsetOf(c.getRange().getStart(), encoding);
            int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
            t = t.substring(0, s) + c.getText() + t.substring(e);
        }
        return t;
    }

    /** After {@code applied:true} for an uncertain edit, waits a little for its late echo, then gives up on it. */
    private void expectLateEcho(OutstandingEdit.Edit f) {
        TIMER.schedule(() -> run(() -> {
            if (edit.graceTimeout(f)) {
                trace(() -> "no late echo of v" + f.baseVersion() + " within " + LATE_ECHO_GRACE_MS + " ms"); // skipped after all (Neovim's stale version): its changes are pending already
                afterStep();
            }
        }), LATE_ECHO_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * How many leading changes together are the echo of the current edit (0 if none). A prefix whose result is the
     * expected text plus one {@code "\n"} at its end, when the expected text does not end with one, is the echo too:
     * an editor that cannot hold a buffer without a final newline (Neovim with {@code 'eol'}, text appended after
     * the last newline) added it. Then {@link EchoMatch#finalNewline()} is true, and the caller publishes that
     * newline as the user's own edit once, so every member ends with it instead of the echo being taken for typing
     * (which copied the appended text into the shared document at every round).
     */
    private EchoMatch matchEcho(List<TextDocumentContentChangeEvent> changes) {
        OutstandingEdit.Edit f = edit.current();
        String expected = f.expected();
        if (f.repair()) {
            TextDocumentContentChangeEvent c = changes.get(0);
            return c.getText().equals(expected) ? new EchoMatch(1, false) : EchoMatch.NONE;
        }
        String scratch = view;
        for (int i = 0; i < changes.size(); i++) {
            TextDocumentContentChangeEvent c = changes.get(i);
            if (c.getRange() == null) {
                scratch = c.getText();
            } else {
                LineIndex li = new LineIndex(scratch);
                int s = li.offsetOf(c.getRange().getStart(), encoding);
                int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
                scratch = scratch.substring(0, s) + c.getText() + scratch.substring(e);
            }
            if (scratch.length() == expected.length() && scratch.equals(expected)) {
                return new EchoMatch(i + 1, false);
            }
            if (scratch.length() == expected.length() + 1 && !expected.endsWith("\n") && scratch.endsWith("\n")
                    && scratch.startsWith(expected)) {
                return new EchoMatch(i + 1, true);
            }
        }
        return EchoMatch.NONE;
    }

    /**
     * After {@link #matchEcho} matched with one extra final newline and a provisional echo was set up: defers the
     * publication of that newline as the user's own edit (a didChange inserting it at the end of the view), to run
     * first once the provisional echo is confirmed, before the rest of the notification (dropped if it is refused).
     */
    private void deferFinalNewlineIfMatched(EchoMatch m, int version) {
        if (!m.finalNewline()) {
            return;
        }
        edit.deferFinalNewline(() -> {
            trace(() -> "echo on " + uri + " came with a final newline added by the editor; publishing it");
            org.eclipse.lsp4j.Position end = viewLines().positionOf(view.length(), encoding);
            onDidChange(version, List.of(new TextDocumentContentChangeEvent(new Range(end, end), "\n")));
        });
    }

    private void applyUserChange(TextDocumentContentChangeEvent c) {
        String text = c.getText();
        if (c.getRange() == null) {
            applyWholeReplacement(text);
            return;
        }
        LineIndex li = viewLines();
        int s = li.offsetOf(c.getRange().getStart(), encoding);
        int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
        if (s == 0 && e == view.length() && view.length() > 0) {
            applyWholeReplacement(text);
            return;
        }
        applyLocalEdit(s, e, text);
        userEditEnd = s + text.length();
    }

    private void applyWholeReplacement(String text) {
        for (TextChange d : MinimalDiff.changes(view, text)) {
            applyLocalEdit(d.offset(), d.offset() + d.deleteLength(), d.insertText());
            userEditEnd = d.offset() + d.insertText().length();
        }
        if (!view.equals(text)) {
            throw new IllegalStateException("minimal diff did not reproduce the replacement text");
        }
    }

    /** A user edit on the view: {@code [s, e)} replaced by {@code text}. */
    private void applyLocalEdit(int s, int e, String text) {
        if (s == e && text.isEmpty()) {
            return;
        }
        if (shared.isReadOnly()) {
            // Read-only member: the edit cannot be shared; show the replica again (the edit is reverted).
            view = view.substring(0, s) + text + view.substring(e);
            viewLines = null;
            realign();
            noticeReadOnly();
            return;
        }
        List<TextChange> replicaChanges = alignment.localReplace(s, e, text);
        view = view.substring(0, s) + text + view.substring(e);
        viewLines = null;
        applyLocalToReplica(replicaChanges, text, true);
    }

    /**
     * Tells the user why their edit disappeared: at the first reverted edit of this document, then at most once per
     * {@link #READ_ONLY_NOTICE_INTERVAL_NANOS} while they keep typing.
     */
    private void noticeReadOnly() {
        long now = clock.getAsLong();
        if (readOnlyNoticeNanos != null && now - readOnlyNoticeNanos < READ_ONLY_NOTICE_INTERVAL_NANOS) {
            return;
        }
        readOnlyNoticeNanos = now;
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        editor.warnUser("Weft: you joined this session read-only, so your change to " + name
                + " was not shared and has been undone. Ask for the editor invite link to edit.");
    }

    /** Applies replica changes as local operations, publishes them and records them as one undoable step. */
    private void applyLocalToReplica(List<TextChange> changes, String typed, boolean record) {
        if (shared.isReadOnly()) {
            if (!changes.isEmpty()) {
                LOG.warning("read-only member edited " + uri + "; the edit stays local and will be reverted");
            }
            return;
        }
        IdSet ins = IdSet.EMPTY;
        IdSet del = IdSet.EMPTY;
        for (TextChange c : changes) {
            if (c.deleteLength() > 0) {
                LocalEdit le = replica.delete(c.offset(), c.deleteLength());
                shared.publish(le);
                del = del.union(le.deleted());
                behindProvisionalEcho(le);
            }
            if (!c.insertText().isEmpty()) {
                LocalEdit le = replica.insert(c.offset(), c.insertText());
                shared.publish(le);
                ins = ins.union(le.inserted());
                behindProvisionalEcho(le);
            }
        }
        deleted(del);
        if (record) {
            history.recordEdit(ins, del, typed);
        }
    }

    /**
     * Typing published behind a provisional echo (TYPED) is recorded with the snapshot's replica changes, so that a
     * refusal replays the echo as typing at the right replica offsets.
     */
    private void behindProvisionalEcho(LocalEdit le) {
        if (edit.provisional() != null) {
            edit.provisional().replicaChanges().addAll(le.changes());
        }
    }

    private void onReplicaChanges(List<TextChange> changes) {
        if (LatencyTrace.on()) {
            LatencyTrace.mark("remote", uri, replica.length(), -1);
        }
        if (edit.provisional() != null) {
            edit.provisional().replicaChanges().addAll(changes);
        }
        for (TextChange c : changes) {
            alignment.replicaChange(c);
        }
        afterStep();
    }

    private boolean selectiveUndo(boolean isUndo) {
        UndoHistory.Group g = isUndo ? history.popUndo() : history.popRedo();
        if (g == null) {
            return false;
        }
        IdSet ins = IdSet.EMPTY;
        IdSet del = IdSet.EMPTY;
        if (!g.deleted().isEmpty()) {
            LocalEdit le = replica.restore(g.deleted());
            shared.publish(le);
            ins = ins.union(le.inserted());
            onReplicaChanges(le.changes());
        }
        if (!g.inserted().isEmpty()) {
            LocalEdit le = replica.deleteIds(g.inserted());
            shared.publish(le);
            del = del.union(le.deleted());
            onReplicaChanges(le.changes());
        }
        deleted(del);
        UndoHistory.Group produced = new UndoHistory.Group(ins, del);
        if (isUndo) {
            history.pushRedo(produced);
        } else {
            history.pushUndo(produced);
        }
        afterStep();
        return true;
    }

    private void repairFromReplica() {
        // The editor's real text is unknown (only its hash is): replace the whole buffer with the view + pending
        // = replica text, versioned, and treat the first change carrying exactly that text as the echo.
        OutstandingEdit.Edit old = edit.current();
        if (old != null && !old.repair() && edit.inFlight()) {
            alignment.rejected();
        }
        String target = replica.getText();
        LineIndex li = viewLines();
        Range whole = new Range(li.positionOf(0, encoding), new org.eclipse.lsp4j.Position(li.lineCount() + 1, 0));
        // After the echo the view is the replica text: reset the alignment to "no pending" on echo.
        send(new OutstandingEdit.Edit(viewVersion, new Alignment.Region(0, view.length(), target), target, true,
                whole, target));
    }

    /** Sends the next pending region if allowed: not paused, nothing outstanding, not waiting for a change. */
    private void maybeSend() {
        if (closed || paused || !edit.canSend()) {
            return;
        }
        Alignment.Region r = alignment.markFirstRegionSent();
        if (r == null) {
            return;
        }
        LineIndex li = viewLines();
        Range range = new Range(li.positionOf(r.viewStart(), encoding), li.positionOf(r.viewEnd(), encoding));
        String expected = view.substring(0, r.viewStart()) + r.text() + view.substring(r.viewEnd());
        send(new OutstandingEdit.Edit(viewVersion, r, expected, false, range, r.text()));
    }

    private void send(OutstandingEdit.Edit f) {
        edit.send(f);
        LatencyTrace.mark("applyEdit", uri, f.expected().length(), f.baseVersion());
        trace(() -> "applyEdit v" + f.baseVersion() + " " + describe(f.range()) + " " + quote(f.text())
                + (f.repair() ? " (repair)" : ""));
        CompletableFuture<Boolean> answer;
        try {
            answer = editor.applyEdit(uri, f.baseVersion(), f.range(), f.text());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((applied, err) -> run(() -> onApplyEditAnswer(f, err == null && Boolean.TRUE.equals(applied))));
    }

    private void onApplyEditAnswer(OutstandingEdit.Edit f, boolean applied) {
        LatencyTrace.mark("answer", uri, f.expected().length(), applied ? 1 : 0);
        OutstandingEdit.State before = edit.state();
        List<OutstandingEdit.Held> held = before == OutstandingEdit.State.HOLDING ? edit.held() : List.of();
        OutstandingEdit.Provisional p = edit.provisional();
        int typedAround = edit.typedAround();
        trace(() -> "answer applied:" + applied + " to v" + f.baseVersion() + " " + describe(f.range()) + " in "
                + before + (edit.isCurrent(f) ? "" : " (stale)"));
        if (!edit.answer(f, applied)) {
            return; // stale: already resolved by evidence (a non-echo change), abandoned or superseded
        }
        switch (before) {
            case UNCERTAIN -> {
                if (applied) {
                    expectLateEcho(f);
                } else {
                    afterStep(); // refused for sure: its changes are already pending again
                }
                return;
            }
            case HOLDING -> {
                answerWithHeldChanges(f, applied, held);
                return;
            }
            case ECHOED -> {
                if (!applied && p != null) {
                    // The "echo" was the user typing exactly our edit, and the editor refused the edit: put the
                    // edit back to pending and replay those changes as the user's own.
                    trace(() -> "applyEdit refused after an identical user change on " + uri + "; replaying it");
                    String editorText = view;
                    int editorVersion = viewVersion;
                    view = p.view();
                    viewLines = null;
                    alignment = p.alignment();
                    for (TextChange c : p.replicaChanges()) {
                        alignment.replicaChange(c);
                    }
                    alignment.rejected();
                    for (TextDocumentContentChangeEvent c : p.changes()) {
                        applyUserChange(c);
                    }
                    viewVersion = p.version();
                    if (typedAround > 0) {
                        // Typing published behind the echo is in the replica (pending in the replayed alignment)
                        // and in the editor: take the editor's text and rebuild the alignment from it.
                        view = editorText;
                        viewLines = null;
                        viewVersion = editorVersion;
                        realign();
                    }
                }
                for (Runnable r : edit.takeDeferred(applied)) {
                    r.run();
                }
            }
            case SENT -> {
                if (!applied) {
                    if (!f.repair()) {
                        alignment.rejected();
                    }
                    TIMER.schedule(() -> run(() -> {
                        edit.retryTimer();
                        afterStep();
                    }), RETRY_AFTER_REFUSAL_MS, TimeUnit.MILLISECONDS);
                } else {
                    // Applied, echo still to come (Neovim/eglot order), or skipped silently (Neovim's stale version).
                    TIMER.schedule(() -> run(() -> {
                        if (edit.echoTimeout(f)) {
                            LOG.info("no echo for applyEdit on " + uri + " after " + ECHO_TIMEOUT_MS + " ms; resending");
                            if (!f.repair()) {
                                alignment.rejected();
                            }
                            afterStep();
                        }
                    }), ECHO_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                }
            }
            default -> throw new IllegalStateException("answer in state " + before + " on " + uri);
        }
        afterStep();
    }

    /**
     * The editor answered while notifications were held, none of which completed the echo in order.
     *
     * <p>{@code applied:true}: the editor's text is known (view + held changes); if it differs from "view + our
     * edit" only outside the edit's text (ends included), the edit is in the buffer and the held notifications
     * were its parts mixed with typing elsewhere (typing between the parts of a split echo). Then the edit is
     * taken as echoed and that difference, as a minimal diff, is the user's typing. Otherwise (the edit's text was
     * typed over, or the editor skipped the edit yet answered true) they are taken one by one as before: typing
     * first makes the edit uncertain, and a later change carrying exactly the edit is its late echo.
     *
     * <p>{@code applied:false}: the edit's changes are pending again and the held notifications are typing.
     */
    private void answerWithHeldChanges(OutstandingEdit.Edit f, boolean applied, List<OutstandingEdit.Held> h) {
        if (applied && takeEchoMixedWithTyping(f, h)) {
            afterStep();
            return;
        }
        if (!applied) {
            alignment.rejected();
        }
        for (OutstandingEdit.Held x : h) {
            takeChanges(x.version(), x.changes());
        }
        afterStep();
    }

    /**
     * Tries to read {@code h} as the echo of {@code f} plus user changes outside the edit's text; on success the
     * view is the editor's text, the user changes are local operations, and true is returned.
     */
    private boolean takeEchoMixedWithTyping(OutstandingEdit.Edit f, List<OutstandingEdit.Held> h) {
        String editorText = view;
        for (OutstandingEdit.Held x : h) {
            for (TextDocumentContentChangeEvent c : x.changes()) {
                if (c.getRange() == null) {
                    return false;
                }
                LineIndex li = new LineIndex(editorText);
                int s = li.offsetOf(c.getRange().getStart(), encoding);
                int e = Math.max(s, li.offsetOf(c.getRange().getEnd(), encoding));
                editorText = editorText.substring(0, s) + c.getText() + editorText.substring(e);
            }
        }
        List<TextChange> typing = MinimalDiff.changes(f.expected(), editorText);
        int editStart = f.region().viewStart();
        int editEnd = editStart + f.text().length();
        int shift = 0;
        for (TextChange c : typing) {
            int from = c.offset() - shift;          // in f.expected coordinates
            int to = from + c.deleteLength();
            if (from <= editEnd && to >= editStart) {
                return false;
            }
            shift += c.insertText().length() - c.deleteLength();
        }
        edit.echo(null);
        view = f.expected();
        viewLines = null;
        LatencyTrace.mark("echo", uri, view.length(), h.get(h.size() - 1).version());
        alignment.echoed();
        trace(() -> "echo of an applyEdit on " + uri + " arrived in parts mixed with " + typing.size()
                + " typed change(s)");
        for (TextChange c : typing) {
            applyLocalEdit(c.offset(), c.offset() + c.deleteLength(), c.insertText());
        }
        viewVersion = h.get(h.size() - 1).version();
        return true;
    }

    /** After every step: check, send what is pending, tell listeners. */
    private void afterStep() {
        if (paranoid && !edit.inFlight()) {
            checkInvariants();
        }
        maybeSend();
        for (Consumer<DocumentBinding> l : viewListeners) {
            try {
                l.accept(this);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "view listener failed", e);
            }
        }
        statusChanged.run();
    }

    private void run(Runnable r) {
        shared.executor().execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "binding step failed for " + uri, e);
            }
        });
    }

    private void trace(java.util.function.Supplier<String> line) {
        if (TRACE) {
            LOG.info(() -> "trace " + uri.substring(uri.lastIndexOf('/') + 1) + "@"
                    + Integer.toHexString(System.identityHashCode(this)) + ": " + line.get());
        } else {
            LOG.fine(() -> "trace " + uri + ": " + line.get());
        }
    }

    private static String describe(List<TextDocumentContentChangeEvent> changes) {
        StringBuilder b = new StringBuilder("[");
        for (TextDocumentContentChangeEvent c : changes) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(c.getRange() == null ? "full" : describe(c.getRange())).append(' ').append(quote(c.getText()));
        }
        return b.append(']').toString();
    }

    private static String describe(Range r) {
        return "(" + r.getStart().getLine() + "," + r.getStart().getCharacter() + ")-(" + r.getEnd().getLine() + ","
                + r.getEnd().getCharacter() + ")";
    }

    private static String quote(String t) {
        String s = t.length() > 40 ? t.substring(0, 37) + "..." : t;
        return '"' + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }

    static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

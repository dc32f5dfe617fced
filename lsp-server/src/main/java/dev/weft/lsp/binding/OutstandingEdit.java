package dev.weft.lsp.binding;

import dev.weft.crdt.model.TextChange;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol state of one document's outstanding {@code workspace/applyEdit}: whether it is in flight, echoed,
 * answered, overtaken by typing, or refused, and the data each of those states carries. {@link DocumentBinding}
 * maps edits (view, alignment, replica); this class decides which protocol step is legal and records it. One edit
 * is outstanding at a time ("the current edit"); how each editor echoes and answers one applyEdit is described in
 * {@code docs/lsp.md} ("Echoes and races", "Echoes in several parts", "Typing while an edit is unanswered").
 *
 * <p>States ({@link State}):
 * <pre>
 *   IDLE                nothing outstanding; the binding may send the next pending region
 *   REFUSED_WAITING     an edit was refused before its new version was seen: nothing is sent until the user's
 *                       change arrives or {@link DocumentBinding#RETRY_AFTER_REFUSAL_MS} passes
 *   SENT                current edit sent, unanswered, not echoed, nothing held
 *   HOLDING             SENT, and didChange notifications are held: the first one touched the edit's zone and none
 *                       completes the echo so far
 *   ECHOED              echo taken before the answer; a non-repair echo is provisional (a snapshot to replay the
 *                       changes as typing if the answer is applied:false); later didChanges wholly outside the
 *                       echo's zone are published at once (TYPED) until one touches it, which and all after it are
 *                       deferred until the answer
 *   ANSWERED            answered applied:true, echo still to come (Neovim and eglot order), echo timer running
 *   UNCERTAIN           overtaken by a user change before its echo and its answer: its changes are pending again,
 *                       changes turning the view into "view with its range replaced by its text" are its late echo
 *   UNCERTAIN_ANSWERED  UNCERTAIN and answered applied:true: the late echo is expected for
 *                       {@link DocumentBinding#LATE_ECHO_GRACE_MS}
 * </pre>
 *
 * <p>State × event table ({@link #transition}). "-" is illegal and throws {@link IllegalEditTransitionException};
 * "stale": there is no current edit, so an answer or timer can only name an older one and is ignored. In every state
 * APPLIED, REFUSED, ECHO_TIMEOUT and GRACE_TIMEOUT naming an edit that is not the current one are stale too (it was
 * resolved by evidence, abandoned or superseded); the cells below are for the current edit.
 * <pre>
 *   state \ event      | SEND | HOLD    | RELEASE | ECHO   | OVERTAKEN          | LATE_ECHO | APPLIED            | REFUSED         | ECHO_TIMEOUT | GRACE_TIMEOUT | RETRY_TIMER | CHANGE | ABANDON | REPAIR | TYPED
 *   -------------------+------+---------+---------+--------+--------------------+-----------+--------------------+-----------------+--------------+---------------+-------------+--------+---------+--------+-----------
 *   IDLE               | SENT | -       | -       | -      | -                  | -         | stale              | stale           | stale        | stale         | IDLE        | IDLE   | IDLE    | SENT   | -
 *   REFUSED_WAITING    | -    | -       | -       | -      | -                  | -         | stale              | stale           | stale        | stale         | IDLE        | IDLE   | IDLE    | SENT   | -
 *   SENT               | -    | HOLDING | -       | ECHOED | UNCERTAIN (5)      | -         | ANSWERED           | REFUSED_WAITING | -            | -             | same        | same   | IDLE    | SENT   | -
 *   HOLDING            | -    | HOLDING | SENT    | ECHOED | -                  | -         | ANSWERED (1)       | IDLE (2)        | -            | -             | same        | -      | -       | -      | -
 *   ECHOED             | -    | -       | -       | -      | -                  | -         | IDLE               | IDLE (3)        | -            | -             | same        | same   | -       | -      | ECHOED (6)
 *   ANSWERED           | -    | -       | -       | IDLE   | UNCERTAIN_ANSWERED | -         | -                  | -               | IDLE (4)     | -             | same        | -      | IDLE    | SENT   | -
 *   UNCERTAIN          | -    | -       | -       | -      | -                  | IDLE      | UNCERTAIN_ANSWERED | IDLE            | -            | -             | same        | same   | -       | SENT   | -
 *   UNCERTAIN_ANSWERED | -    | -       | -       | -      | -                  | IDLE      | -                  | -               | -            | IDLE          | same        | same   | -       | SENT   | -
 * </pre>
 * (1) the held notifications are released to the binding, which either takes them as the echo mixed with typing
 * (ECHO: ANSWERED → IDLE) or handles them one by one (the first one OVERTAKEN). (2) the held notifications are
 * released as the user's typing. (3) a provisional echo was the user's own identical typing: the binding replays it
 * from the snapshot; a final newline owed for that echo is dropped (the replayed changes contain it). (4) the edit
 * becomes {@link #overdue()} (unless it was a repair): its echo may still come first in a later batch.
 * (5) HOLD only for a didChange that touches the edit's {@linkplain #zoneStart() zone}; a didChange whose changes all
 * lie wholly outside it cannot be a part of the echo (it comes before any part of the echo, so it is expressed against
 * the text without the edit) and is OVERTAKEN at once: published as typing, the edit uncertain. (6) only with a
 * provisional echo and no deferred step (else the didChange is deferred, keeping the editor's order): the didChange
 * lay wholly outside the echo's zone and was published at once; its replica changes join the snapshot's, so a
 * refusal replays the echo as typing and then rebuilds the alignment from the editor's text.
 * Events: SEND the next pending region; HOLD a didChange touching the zone that does not complete the echo; RELEASE
 * the held notifications (more than {@link #MAX_HELD}: typing); ECHO the echo, possibly spanning held notifications;
 * OVERTAKEN a user change before the echo; TYPED a didChange outside the zone published at once behind a provisional
 * echo; LATE_ECHO the uncertain edit applied late (VS Code's active editor); APPLIED and REFUSED the editor's answer;
 * ECHO_TIMEOUT / GRACE_TIMEOUT / RETRY_TIMER the three timers; CHANGE a didChange handled at once (ends a refusal
 * wait); ABANDON forgetting the current edit (an overdue echo superseded it); REPAIR a verify repair replacing whatever
 * was outstanding with a whole-buffer edit.
 *
 * <p><b>Zone.</b> The view range the current edit touches: its region in SENT and HOLDING, the echoed text in ECHOED
 * (shifted by the typing published before it). A change is <em>wholly outside</em> it when it ends more than
 * {@link #ZONE_MARGIN} code units before it or starts more than that after it. No part of an echo lies outside: the
 * real split echoes (docs/lsp.md, "Echoes in several parts") touch the edit's range or the line end just before it,
 * and an identical keystroke taken for the echo sits on it. So typing outside the zone is published at once whatever
 * the answer; only typing touching it waits for the answer (HOLDING, deferred in ECHOED).
 *
 * <p>Not thread-safe: confined to the document's serial executor like the binding.
 */
final class OutstandingEdit {
    /** At most this many notifications are held; one more and they are taken as typing (a split echo has 2). */
    static final int MAX_HELD = 8;
    /**
     * Code units around the zone that still count as touching it: Neovim applies an edit at the end of the buffer
     * at the end of the line before (one unit earlier, two before a CRLF), and reports a final newline it keeps
     * there too.
     */
    static final int ZONE_MARGIN = 2;

    /** Where the outstanding edit is in its protocol; see the class comment for the table. */
    enum State { IDLE, REFUSED_WAITING, SENT, HOLDING, ECHOED, ANSWERED, UNCERTAIN, UNCERTAIN_ANSWERED }

    /** What can happen to the outstanding edit; see the class comment for the table. */
    enum Event {
        SEND, HOLD, RELEASE, ECHO, OVERTAKEN, LATE_ECHO, APPLIED, REFUSED, ECHO_TIMEOUT, GRACE_TIMEOUT, RETRY_TIMER,
        CHANGE, ABANDON, REPAIR, TYPED
    }

    /** An event that the table has no entry for in the current state: a bug in the binding, never input. */
    static final class IllegalEditTransitionException extends IllegalStateException {
        /** The state the event arrived in. Immutable. */
        final State state;
        /** The refused event. Immutable. */
        final Event event;

        IllegalEditTransitionException(State state, Event event, String uri) {
            super("applyEdit protocol of " + uri + ": event " + event + " is not legal in state " + state
                    + " (see the state x event table of OutstandingEdit)");
            this.state = state;
            this.event = event;
        }
    }

    /**
     * One applyEdit sent to the editor. Immutable.
     *
     * @param baseVersion the view version it was sent for
     * @param region      what it replaces, in view coordinates at {@code baseVersion}
     * @param expected    the view text once the editor has applied it
     * @param repair      true for a verify repair (whole-buffer replacement)
     * @param range       the range sent to the editor, in its coordinates at {@code baseVersion}
     * @param text        the text sent to the editor
     */
    record Edit(int baseVersion, Alignment.Region region, String expected, boolean repair, Range range, String text) {
        /** True if {@code c} carries exactly this edit (its echo, possibly applied to a newer text). */
        boolean isEchoedBy(TextDocumentContentChangeEvent c) {
            return c.getRange() != null && c.getRange().equals(range) && c.getText().equals(text);
        }
    }

    /**
     * One held didChange. Immutable.
     *
     * @param version the editor version after it
     * @param changes its changes, in order
     */
    record Held(int version, List<TextDocumentContentChangeEvent> changes) {
    }

    /**
     * State just before a provisional echo, to replay its changes as the user's typing if the editor then answers
     * {@code applied:false} (both people typed the same text at one place).
     *
     * @param view           the view before the echo
     * @param alignment      a copy of the alignment before the echo
     * @param version        the version of the notification whose leading changes were taken as the echo
     * @param changes        those leading changes
     * @param replicaChanges remote (or undo) changes and the typing published behind the echo (TYPED), applied to the
     *                       replica since, in order; mutable
     */
    record Provisional(String view, Alignment alignment, int version, List<TextDocumentContentChangeEvent> changes,
                       List<TextChange> replicaChanges) {
    }

    /** The document's URI, for messages. Immutable. */
    private final String uri;
    /** Where the protocol is. */
    private State state = State.IDLE;
    /** The edit of SENT, HOLDING, ECHOED, ANSWERED, UNCERTAIN and UNCERTAIN_ANSWERED; null in IDLE, REFUSED_WAITING. */
    private Edit current;
    /** HOLDING only (empty otherwise): the held notifications, in arrival order. */
    private final List<Held> held = new ArrayList<>();
    /** ECHOED for a non-repair edit only (null otherwise): the snapshot before the provisional echo. */
    private Provisional provisional;
    /**
     * ECHOED only (empty otherwise): didChange steps that arrived after a provisional echo, run in order once the
     * editor answered.
     */
    private final List<Runnable> deferred = new ArrayList<>();
    /**
     * ECHOED only: the deferred step that publishes the final newline an editor added to the provisional echo
     * (Neovim with {@code 'eol'}); null if none. Dropped from {@link #deferred} on REFUSED.
     */
    private Runnable owedFinalNewline;
    /**
     * An edit answered {@code applied:true} whose echo did not come within the echo timeout (ECHO_TIMEOUT); its
     * changes are pending again and re-sent. Plain eglot keeps an applied edit's echo in its change batch until the
     * user is idle, so it may still arrive as the first change of the editor's next notification. Orthogonal to
     * {@link #state} (it survives SEND, APPLIED, REFUSED, RETRY_TIMER of the re-sent copy); cleared by the next didChange
     * ({@link #takeOverdue()}), so never set together with held notifications, a provisional echo or an uncertain edit.
     */
    private Edit overdue;
    /**
     * SENT, HOLDING and ECHOED only (-1 otherwise): the zone's first view offset (see the class comment); in ECHOED it
     * moves with the typing published before it.
     */
    private int zoneStart = -1;
    /** SENT, HOLDING and ECHOED only (-1 otherwise): the zone's end view offset (exclusive), {@code >= zoneStart}. */
    private int zoneEnd = -1;
    /** ECHOED with a provisional echo only (0 otherwise): how many didChanges were published at once (TYPED). */
    private int typedAround;

    OutstandingEdit(String uri) {
        this.uri = uri;
    }

    State state() {
        return state;
    }

    /** The current edit (see {@link #current}); null in IDLE and REFUSED_WAITING. */
    Edit current() {
        return current;
    }

    /** True if the binding may send the next pending region: nothing outstanding, no refusal wait. */
    boolean canSend() {
        return state == State.IDLE;
    }

    /** True while an edit is in flight: sent and not yet both echoed and answered (SENT to ANSWERED). */
    boolean inFlight() {
        return state == State.SENT || state == State.HOLDING || state == State.ECHOED || state == State.ANSWERED;
    }

    /** True in SENT and HOLDING for a non-repair edit: a didChange must go through {@link #hold}. */
    boolean holdsChanges() {
        return (state == State.SENT || state == State.HOLDING) && !current.repair();
    }

    /** True in SENT and ANSWERED: a didChange is first checked for the current edit's echo. */
    boolean awaitsEcho() {
        return state == State.SENT || state == State.ANSWERED;
    }

    /** True in UNCERTAIN and UNCERTAIN_ANSWERED. */
    boolean isUncertain() {
        return state == State.UNCERTAIN || state == State.UNCERTAIN_ANSWERED;
    }

    boolean isAnswered() {
        return state == State.ANSWERED || state == State.UNCERTAIN_ANSWERED;
    }

    /** True if {@code f} is the current edit (events naming another edit are stale). */
    boolean isCurrent(Edit f) {
        return f != null && f == current;
    }

    /** The held notifications (HOLDING), read-only. */
    List<Held> held() {
        return List.copyOf(held);
    }

    /** The zone's first view offset in SENT, HOLDING and ECHOED; -1 otherwise. */
    int zoneStart() {
        return zoneStart;
    }

    /** The zone's end view offset (exclusive) in SENT, HOLDING and ECHOED; -1 otherwise. */
    int zoneEnd() {
        return zoneEnd;
    }

    /** True in ECHOED with a provisional echo and no deferred step: a didChange outside the zone may be TYPED. */
    boolean takesTypingAroundEcho() {
        return provisional != null && deferred.isEmpty();
    }

    /** ECHOED: how many didChanges were published at once behind the provisional echo (0 in other states). */
    int typedAround() {
        return typedAround;
    }

    /** The provisional echo's snapshot in ECHOED (non-repair), else null; its replica-change list is mutable. */
    Provisional provisional() {
        return provisional;
    }

    /** Returns the overdue edit and forgets it (every didChange calls this first). */
    Edit takeOverdue() {
        Edit o = overdue;
        overdue = null;
        return o;
    }

    // ---- events ---------------------------------------------------------------------------------------------------

    /** SEND or REPAIR: {@code f} is now the current edit, unanswered. */
    void send(Edit f) {
        transition(f.repair() ? Event.REPAIR : Event.SEND, f);
    }

    /** HOLD: {@code h} joins the held notifications. */
    void hold(Held h) {
        transition(Event.HOLD, current);
        held.add(h);
    }

    /** RELEASE: the held notifications go back to the binding (to be handled one by one as typing or echo). */
    List<Held> release() {
        List<Held> h = List.copyOf(held);
        transition(Event.RELEASE, current);
        return h;
    }

    /**
     * ECHO: the echo was taken. From SENT or HOLDING a non-repair echo is provisional ({@code p} non-null, later
     * didChanges go through {@link #defer}); from ANSWERED the edit is done.
     */
    void echo(Provisional p) {
        if ((p != null) != ((state == State.SENT || state == State.HOLDING) && !current.repair())) {
            throw new IllegalEditTransitionException(state, Event.ECHO, uri + " (provisional " + (p != null) + ")");
        }
        transition(Event.ECHO, current);
        provisional = p;
    }

    /** A step held back by the provisional echo (ECHOED, non-repair only). */
    void defer(Runnable step) {
        if (provisional == null) {
            throw new IllegalEditTransitionException(state, Event.HOLD, uri + " (deferring without a provisional echo)");
        }
        deferred.add(step);
    }

    /** Defers {@code step}, the publication of the final newline owed for the provisional echo (dropped on REFUSED). */
    void deferFinalNewline(Runnable step) {
        defer(step);
        owedFinalNewline = step;
    }

    /**
     * TYPED: a didChange wholly outside the zone is published at once behind the provisional echo; the zone moves by
     * {@code shift} (the length change of the typing before it).
     */
    void typed(int shift) {
        if (!takesTypingAroundEcho()) {
            throw new IllegalEditTransitionException(state, Event.TYPED, uri + " (provisional " + (provisional != null)
                    + ", " + deferred.size() + " deferred steps)");
        }
        transition(Event.TYPED, current);
        zoneStart += shift;
        zoneEnd += shift;
        typedAround++;
    }

    /** OVERTAKEN: a user change came before the echo of the current edit. */
    void overtaken() {
        transition(Event.OVERTAKEN, current);
    }

    /** LATE_ECHO: the uncertain edit's late echo was taken. */
    void lateEcho() {
        transition(Event.LATE_ECHO, current);
    }

    /**
     * The editor's answer to {@code f}. Returns false (and changes nothing) if {@code f} is stale. In HOLDING the
     * caller reads {@link #held()} first: the answer releases them.
     */
    boolean answer(Edit f, boolean applied) {
        return transition(applied ? Event.APPLIED : Event.REFUSED, f);
    }

    /**
     * The steps deferred behind a provisional echo, taken (and cleared) once the echo was answered; without the owed
     * final newline if the answer refused the edit.
     */
    List<Runnable> takeDeferred(boolean applied) {
        List<Runnable> steps = new ArrayList<>(deferred);
        if (!applied && owedFinalNewline != null) {
            steps.remove(owedFinalNewline);
        }
        deferred.clear();
        owedFinalNewline = null;
        return steps;
    }

    /** ECHO_TIMEOUT for {@code f}; false if stale. */
    boolean echoTimeout(Edit f) {
        return transition(Event.ECHO_TIMEOUT, f);
    }

    /** GRACE_TIMEOUT for {@code f}; false if stale. */
    boolean graceTimeout(Edit f) {
        return transition(Event.GRACE_TIMEOUT, f);
    }

    /** RETRY_TIMER: ends a refusal wait (no effect in other states). */
    void retryTimer() {
        transition(Event.RETRY_TIMER, current);
    }

    /** CHANGE: a didChange was handled at once; ends a refusal wait. */
    void changed() {
        transition(Event.CHANGE, current);
    }

    /** ABANDON: the current edit (if any) is forgotten; its answer will be stale. */
    void abandon() {
        transition(Event.ABANDON, current);
    }

    /**
     * The one place where {@link #state} changes: applies {@code e} (naming edit {@code f}, or the current one) per
     * the table. Returns false for a stale event (it names an edit that is no longer current).
     *
     * @throws IllegalEditTransitionException if the table has no entry for {@code e} in the current state
     */
    private boolean transition(Event e, Edit f) {
        boolean timerOrAnswer = e == Event.APPLIED || e == Event.REFUSED || e == Event.ECHO_TIMEOUT
                || e == Event.GRACE_TIMEOUT;
        if (timerOrAnswer && !isCurrent(f)) {
            return false; // stale: the edit was resolved by evidence, abandoned or superseded
        }
        State s = state;
        State next = switch (e) {
            case SEND -> s == State.IDLE ? State.SENT : null;
            case REPAIR -> s == State.HOLDING || s == State.ECHOED ? null : State.SENT;
            case HOLD -> s == State.SENT || s == State.HOLDING ? State.HOLDING : null;
            case RELEASE -> s == State.HOLDING ? State.SENT : null;
            case ECHO -> s == State.SENT || s == State.HOLDING ? State.ECHOED : s == State.ANSWERED ? State.IDLE : null;
            case OVERTAKEN -> s == State.SENT ? State.UNCERTAIN : s == State.ANSWERED ? State.UNCERTAIN_ANSWERED : null;
            case LATE_ECHO -> isUncertain() ? State.IDLE : null;
            case APPLIED -> switch (s) {
                case SENT, HOLDING -> State.ANSWERED;
                case ECHOED -> State.IDLE;
                case UNCERTAIN -> State.UNCERTAIN_ANSWERED;
                default -> null;
            };
            case REFUSED -> switch (s) {
                case SENT -> State.REFUSED_WAITING;
                case HOLDING, ECHOED, UNCERTAIN -> State.IDLE;
                default -> null;
            };
            case ECHO_TIMEOUT -> s == State.ANSWERED ? State.IDLE : null;
            case GRACE_TIMEOUT -> s == State.UNCERTAIN_ANSWERED ? State.IDLE : null;
            case RETRY_TIMER -> s == State.REFUSED_WAITING ? State.IDLE : s;
            case CHANGE -> s == State.REFUSED_WAITING ? State.IDLE : s == State.HOLDING || s == State.ANSWERED ? null : s;
            case ABANDON -> switch (s) {
                case IDLE, REFUSED_WAITING, SENT, ANSWERED -> State.IDLE;
                default -> null;
            };
            case TYPED -> s == State.ECHOED ? State.ECHOED : null;
        };
        if (next == null) {
            throw new IllegalEditTransitionException(s, e, uri);
        }
        if (e == Event.ECHO_TIMEOUT && !f.repair()) {
            overdue = f;
        }
        if (s == State.HOLDING && next != State.HOLDING) {
            held.clear();
        }
        if (s == State.ECHOED && next != State.ECHOED) {
            provisional = null;
            typedAround = 0;
        }
        if (e == Event.SEND || e == Event.REPAIR) {
            current = f;
            zoneStart = f.region().viewStart();
            zoneEnd = f.region().viewEnd();
        } else if (e == Event.ECHO && next == State.ECHOED) {
            zoneStart = current.region().viewStart();
            zoneEnd = zoneStart + current.text().length();
        } else if (next == State.IDLE || next == State.REFUSED_WAITING) {
            current = null;
        }
        if (next != State.SENT && next != State.HOLDING && next != State.ECHOED) {
            zoneStart = -1;
            zoneEnd = -1;
        }
        state = next;
        return true;
    }

    /**
     * Throws {@link IllegalStateException} if a state carries data it must not: a current edit exactly in SENT to
     * UNCERTAIN_ANSWERED; held notifications only in HOLDING, at most {@link #MAX_HELD} + 1 of them; a provisional
     * snapshot exactly in ECHOED for a non-repair edit; deferred steps only with it; an overdue edit never together with
     * held notifications, a provisional echo or an uncertain edit; a zone ({@code 0 <= zoneStart <= zoneEnd}) exactly
     * in SENT, HOLDING and ECHOED; didChanges published behind the echo (TYPED) only with a provisional echo.
     */
    void checkInvariants() {
        boolean hasEdit = state != State.IDLE && state != State.REFUSED_WAITING;
        if (hasEdit != (current != null)) {
            throw new IllegalStateException(uri + ": state " + state + " with current edit " + current);
        }
        if ((state == State.HOLDING) != !held.isEmpty() || held.size() > MAX_HELD + 1) {
            throw new IllegalStateException(uri + ": " + held.size() + " didChange held in state " + state);
        }
        boolean wantsProvisional = state == State.ECHOED && !current.repair();
        if (wantsProvisional != (provisional != null)) {
            throw new IllegalStateException(uri + ": provisional echo " + (provisional != null) + " in state " + state);
        }
        if (provisional == null && (!deferred.isEmpty() || owedFinalNewline != null)) {
            throw new IllegalStateException(uri + ": " + deferred.size() + " deferred steps without a provisional echo");
        }
        if (owedFinalNewline != null && !deferred.contains(owedFinalNewline)) {
            throw new IllegalStateException(uri + ": owed final newline is not among the deferred steps");
        }
        if (overdue != null && (state == State.HOLDING || state == State.ECHOED || isUncertain())) {
            throw new IllegalStateException(uri + ": overdue edit remembered in state " + state);
        }
        boolean wantsZone = state == State.SENT || state == State.HOLDING || state == State.ECHOED;
        if (wantsZone != (zoneStart >= 0) || zoneEnd < zoneStart) {
            throw new IllegalStateException(uri + ": zone [" + zoneStart + ", " + zoneEnd + ") in state " + state);
        }
        if (typedAround > 0 && provisional == null) {
            throw new IllegalStateException(uri + ": " + typedAround
                    + " didChange published without a provisional echo");
        }
    }
}

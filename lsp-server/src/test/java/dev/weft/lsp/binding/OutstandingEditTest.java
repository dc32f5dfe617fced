package dev.weft.lsp.binding;

import dev.weft.lsp.binding.OutstandingEdit.Edit;
import dev.weft.lsp.binding.OutstandingEdit.Event;
import dev.weft.lsp.binding.OutstandingEdit.IllegalEditTransitionException;
import dev.weft.lsp.binding.OutstandingEdit.State;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state x event table of {@link OutstandingEdit}, cell by cell: each state is reached by a legal path, each event
 * is applied to it, and the resulting state (or the typed refusal) is compared with the table written out below —
 * the same table as the class Javadoc. Invariants are checked after every step.
 */
class OutstandingEditTest {
    /** Expected next state per (state, event); "-" = illegal (throws), "stale" = ignored for an edit not current. */
    private static final String[] TABLE = {
        //                    SEND  HOLD     RELEASE ECHO    OVERTAKEN          LATE_ECHO APPLIED            REFUSED          ECHO_TIMEOUT GRACE_TIMEOUT RETRY_TIMER        CHANGE    ABANDON REPAIR TYPED
        "IDLE               | SENT | -       | -    | -      | -                  | -    | stale              | stale           | stale | stale | IDLE               | IDLE      | IDLE | SENT | -",
        "REFUSED_WAITING    | -    | -       | -    | -      | -                  | -    | stale              | stale           | stale | stale | IDLE               | IDLE      | IDLE | SENT | -",
        "SENT               | -    | HOLDING | -    | ECHOED | UNCERTAIN          | -    | ANSWERED           | REFUSED_WAITING | -    | -    | SENT               | SENT      | IDLE | SENT | -",
        "HOLDING            | -    | HOLDING | SENT | ECHOED | -                  | -    | ANSWERED           | IDLE            | -    | -    | HOLDING            | -         | -    | -    | -",
        "ECHOED             | -    | -       | -    | -      | -                  | -    | IDLE               | IDLE            | -    | -    | ECHOED             | ECHOED    | -    | -    | ECHOED",
        "ANSWERED           | -    | -       | -    | IDLE   | UNCERTAIN_ANSWERED | -    | -                  | -               | IDLE | -    | ANSWERED           | -         | IDLE | SENT | -",
        "UNCERTAIN          | -    | -       | -    | -      | -                  | IDLE | UNCERTAIN_ANSWERED | IDLE            | -    | -    | UNCERTAIN          | UNCERTAIN | -    | SENT | -",
        "UNCERTAIN_ANSWERED | -    | -       | -    | -      | -                  | IDLE | -                  | -               | -    | IDLE | UNCERTAIN_ANSWERED | UNCERTAIN_ANSWERED | - | SENT | -",
    };
    private static final Event[] COLUMNS = {Event.SEND, Event.HOLD, Event.RELEASE, Event.ECHO, Event.OVERTAKEN,
        Event.LATE_ECHO, Event.APPLIED, Event.REFUSED, Event.ECHO_TIMEOUT, Event.GRACE_TIMEOUT, Event.RETRY_TIMER,
        Event.CHANGE, Event.ABANDON, Event.REPAIR, Event.TYPED};

    private static Edit edit(boolean repair) {
        Range r = new Range(new Position(0, 1), new Position(0, 1));
        return new Edit(1, new Alignment.Region(1, 1, "X"), "aXb", repair, r, "X");
    }

    private static OutstandingEdit.Held held() {
        Range r = new Range(new Position(0, 0), new Position(0, 0));
        return new OutstandingEdit.Held(2, List.of(new TextDocumentContentChangeEvent(r, "u")));
    }

    private static OutstandingEdit.Provisional provisional() {
        return new OutstandingEdit.Provisional("ab", new Alignment(2), 2, List.of(), new ArrayList<>());
    }

    /** A tracker brought to {@code s} by legal events only; its current edit (if any) is non-repair. */
    private static OutstandingEdit reach(State s) {
        OutstandingEdit t = new OutstandingEdit("file:///t.txt");
        Edit f = edit(false);
        switch (s) {
            case IDLE -> { }
            case REFUSED_WAITING -> { t.send(f); t.answer(f, false); }
            case SENT -> t.send(f);
            case HOLDING -> { t.send(f); t.hold(held()); }
            case ECHOED -> { t.send(f); t.echo(provisional()); }
            case ANSWERED -> { t.send(f); t.answer(f, true); }
            case UNCERTAIN -> { t.send(f); t.overtaken(); }
            case UNCERTAIN_ANSWERED -> { t.send(f); t.overtaken(); t.answer(f, true); }
        }
        t.checkInvariants();
        assertThat(t.state()).isEqualTo(s);
        return t;
    }

    /** Applies {@code e} to {@code t} through the method the binding uses for it, naming the current edit. */
    private static void fire(OutstandingEdit t, Event e) {
        Edit cur = t.current();
        switch (e) {
            case SEND -> t.send(edit(false));
            case REPAIR -> t.send(edit(true));
            case HOLD -> t.hold(held());
            case RELEASE -> t.release();
            case ECHO -> t.echo((t.state() == State.SENT || t.state() == State.HOLDING) ? provisional() : null);
            case OVERTAKEN -> t.overtaken();
            case LATE_ECHO -> t.lateEcho();
            case APPLIED -> t.answer(cur == null ? edit(false) : cur, true);
            case REFUSED -> t.answer(cur == null ? edit(false) : cur, false);
            case ECHO_TIMEOUT -> t.echoTimeout(cur == null ? edit(false) : cur);
            case GRACE_TIMEOUT -> t.graceTimeout(cur == null ? edit(false) : cur);
            case RETRY_TIMER -> t.retryTimer();
            case CHANGE -> t.changed();
            case ABANDON -> t.abandon();
            case TYPED -> t.typed(0);
        }
    }

    private static Map<State, Map<Event, String>> table() {
        Map<State, Map<Event, String>> m = new EnumMap<>(State.class);
        for (String row : TABLE) {
            String[] cells = row.split("\\|");
            Map<Event, String> r = new EnumMap<>(Event.class);
            for (int i = 0; i < COLUMNS.length; i++) {
                r.put(COLUMNS[i], cells[i + 1].trim());
            }
            m.put(State.valueOf(cells[0].trim()), r);
        }
        return m;
    }

    @Test
    void everyCellOfTheTableIsWhatTheClassDoes() {
        Map<State, Map<Event, String>> table = table();
        assertThat(table.keySet()).containsExactlyInAnyOrder(State.values());
        int legal = 0;
        int illegal = 0;
        for (State s : State.values()) {
            for (Event e : Event.values()) {
                String want = table.get(s).get(e);
                OutstandingEdit t = reach(s);
                if (want.equals("stale")) {
                    assertThat(s).as("only states without a current edit have stale cells")
                            .isIn(State.IDLE, State.REFUSED_WAITING);
                    fire(t, e);
                    assertThat(t.state()).as(s + " x " + e + " ignored").isEqualTo(s);
                    t.checkInvariants();
                    legal++;
                } else if (want.equals("-")) {
                    assertThatThrownBy(() -> fire(t, e)).as(s + " x " + e)
                            .isInstanceOfSatisfying(IllegalEditTransitionException.class, x -> {
                                assertThat(x.state).isEqualTo(s);
                                assertThat(x.event).isEqualTo(e);
                                assertThat(x.getMessage()).contains(s.name()).contains(e.name());
                            });
                    assertThat(t.state()).as("state unchanged after a refused " + e).isEqualTo(s);
                    illegal++;
                } else {
                    fire(t, e);
                    assertThat(t.state()).as(s + " x " + e).isEqualTo(State.valueOf(want));
                    t.checkInvariants();
                    legal++;
                }
            }
        }
        assertThat(legal + illegal).isEqualTo(State.values().length * Event.values().length);
    }

    @Test
    void answersAndTimersForAnEditThatIsNoLongerCurrentAreIgnored() {
        for (State s : State.values()) {
            OutstandingEdit t = reach(s);
            Edit other = edit(false);
            assertThat(t.answer(other, true)).as(s + " stale APPLIED").isFalse();
            assertThat(t.answer(other, false)).as(s + " stale REFUSED").isFalse();
            assertThat(t.echoTimeout(other)).as(s + " stale ECHO_TIMEOUT").isFalse();
            assertThat(t.graceTimeout(other)).as(s + " stale GRACE_TIMEOUT").isFalse();
            assertThat(t.state()).isEqualTo(s);
            t.checkInvariants();
        }
    }

    @Test
    void echoTimeoutRemembersTheEditAsOverdueUntilTheNextChangeTakesIt() {
        OutstandingEdit t = reach(State.ANSWERED);
        Edit f = t.current();
        assertThat(t.echoTimeout(f)).isTrue();
        t.send(edit(false)); // the re-sent copy
        t.checkInvariants();
        assertThat(t.takeOverdue()).isSameAs(f);
        assertThat(t.takeOverdue()).isNull();
    }

    @Test
    void heldNotificationsAreReleasedByTheAnswerAndAProvisionalEchoOnlyExistsInEchoed() {
        OutstandingEdit t = reach(State.HOLDING);
        t.hold(held());
        assertThat(t.held()).hasSize(2);
        t.answer(t.current(), false);
        assertThat(t.state()).isEqualTo(State.IDLE);
        assertThat(t.held()).isEmpty();

        OutstandingEdit e = reach(State.ECHOED);
        List<String> ran = new ArrayList<>();
        e.deferFinalNewline(() -> ran.add("newline"));
        e.defer(() -> ran.add("rest"));
        e.checkInvariants();
        e.answer(e.current(), false);
        assertThat(e.provisional()).isNull();
        e.takeDeferred(false).forEach(Runnable::run);
        assertThat(ran).containsExactly("rest"); // the refused echo was typing: the newline is in the replay
        e.checkInvariants();
    }

    @Test
    void typingPublishedBehindAProvisionalEchoMovesItsZoneAndStopsOnceAStepIsDeferred() {
        OutstandingEdit t = new OutstandingEdit("file:///t.txt");
        t.send(edit(false));
        assertThat(List.of(t.zoneStart(), t.zoneEnd())).as("SENT: the edit's region").containsExactly(1, 1);
        t.echo(provisional());
        assertThat(List.of(t.zoneStart(), t.zoneEnd())).as("ECHOED: the echoed text").containsExactly(1, 2);
        t.typed(3); // three characters typed before it
        t.typed(0); // typing after it
        assertThat(List.of(t.zoneStart(), t.zoneEnd(), t.typedAround())).containsExactly(4, 5, 2);
        t.checkInvariants();
        t.defer(() -> { });
        assertThatThrownBy(() -> t.typed(0)).as("typing after a deferred step keeps the editor's order")
                .isInstanceOf(IllegalEditTransitionException.class).hasMessageContaining("1 deferred steps");
        t.answer(t.current(), false);
        assertThat(List.of(t.zoneStart(), t.zoneEnd(), t.typedAround())).containsExactly(-1, -1, 0);
        assertThat(t.takeDeferred(false)).hasSize(1);
        t.checkInvariants();
    }

    @Test
    void aRepairEchoIsNeverProvisionalAndANonRepairEchoBeforeTheAnswerAlwaysIs() {
        OutstandingEdit t = new OutstandingEdit("file:///t.txt");
        t.send(edit(false));
        assertThatThrownBy(() -> t.echo(null)).isInstanceOf(IllegalEditTransitionException.class);
        OutstandingEdit r = new OutstandingEdit("file:///t.txt");
        r.send(edit(true));
        assertThatThrownBy(() -> r.echo(provisional())).isInstanceOf(IllegalEditTransitionException.class);
        r.echo(null);
        assertThat(r.state()).isEqualTo(State.ECHOED);
        assertThatThrownBy(() -> r.defer(() -> { })).isInstanceOf(IllegalEditTransitionException.class);
        r.checkInvariants();
    }
}

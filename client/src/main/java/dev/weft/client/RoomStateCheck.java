package dev.weft.client;

import dev.weft.crdt.model.VersionVector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one document's state check ({@code docs/protocol.md}, "State check"): at most one
 * {@code StateCheck} on the wire, the callers waiting for its outcome, and the detection of a relay that never
 * answers (an older relay answers an unknown message type with a room-level {@code Error(BAD_MESSAGE)} that does
 * not reach the document, so silence is the signal).
 *
 * <p>States and events ({@code -} = stays, ignored):
 * <pre>
 *               | start            | reply             | tick, sent &gt; timeout           | connected | lost
 * IDLE          | AWAITING (send)  | -                 | -                                | IDLE      | -
 * AWAITING      | - (wait for it)  | IDLE              | IDLE, or UNSUPPORTED at the      | IDLE      | IDLE
 *               |                  |                   | {@value #MAX_UNANSWERED}th unanswered in a row |  |
 * UNSUPPORTED   | - (UNSUPPORTED)  | IDLE              | -                                | IDLE      | -
 * </pre>
 * Leaving AWAITING completes every waiter (with the reply's outcome, {@code NOT_CHECKED} on timeout or loss,
 * {@code UNSUPPORTED}). Not thread-safe: confined to the document's executor.
 */
final class RoomStateCheck {
    /** Unanswered checks in a row after which the relay is taken not to support them. */
    static final int MAX_UNANSWERED = 2;

    enum State { IDLE, AWAITING, UNSUPPORTED }

    /** The check on the wire: the replica's version and text hash when it was sent. Immutable. */
    record Sent(VersionVector version, byte[] textSha256, long sentNanos) {
    }

    private State state = State.IDLE;
    /** The outstanding check; non-null exactly in AWAITING. */
    private Sent sent;
    /** Unanswered checks in a row. */
    private int unanswered;
    /** Callers waiting for the outstanding check; empty unless AWAITING. */
    private final List<CompletableFuture<RoomCheckOutcome>> waiters = new ArrayList<>();

    State state() {
        return state;
    }

    /**
     * A caller wants a check of the replica at {@code version} with text hash {@code hash}.
     *
     * @return the check to send, or null if one is on the wire already (the waiter joins it) or the relay does
     *         not support checks ({@code waiter} is then completed)
     */
    Sent start(VersionVector version, byte[] hash, CompletableFuture<RoomCheckOutcome> waiter, long nowNanos) {
        switch (state) {
            case UNSUPPORTED -> {
                waiter.complete(RoomCheckOutcome.UNSUPPORTED);
                return null;
            }
            case AWAITING -> {
                waiters.add(waiter);
                return null;
            }
            default -> {
                state = State.AWAITING;
                sent = new Sent(version, hash.clone(), nowNanos);
                waiters.add(waiter);
                checkInvariants();
                return sent;
            }
        }
    }

    /**
     * A reply arrived; the caller must then call {@link #finish} (which completes the waiters).
     *
     * @return the check it answers, or null if none was outstanding (a stale reply: ignore it)
     */
    Sent replied() {
        unanswered = 0;
        if (state != State.AWAITING) {
            state = State.IDLE;
            return null;
        }
        Sent s = sent;
        state = State.IDLE;
        sent = null;
        return s; // the caller judges the reply, then calls finish
    }

    /** Completes the waiters of the check just {@link #replied()} with {@code outcome}. */
    void finish(RoomCheckOutcome outcome) {
        List<CompletableFuture<RoomCheckOutcome>> w = List.copyOf(waiters);
        waiters.clear();
        for (CompletableFuture<RoomCheckOutcome> f : w) {
            f.complete(outcome);
        }
        checkInvariants();
    }

    /** Periodic: a check unanswered for {@code timeoutNanos} is given up. */
    void tick(long nowNanos, long timeoutNanos) {
        if (state == State.AWAITING && nowNanos - sent.sentNanos() > timeoutNanos) {
            unanswered++;
            sent = null;
            state = unanswered >= MAX_UNANSWERED ? State.UNSUPPORTED : State.IDLE;
            finish(state == State.UNSUPPORTED ? RoomCheckOutcome.UNSUPPORTED : RoomCheckOutcome.NOT_CHECKED);
            checkInvariants();
        }
    }

    /** A new connection: the relay may be another (newer) one. */
    void connected() {
        unanswered = 0;
        lost();
        state = State.IDLE;
    }

    /** The connection was lost: the outstanding check will not be answered. */
    void lost() {
        if (state == State.AWAITING) {
            state = State.IDLE;
            sent = null;
            finish(RoomCheckOutcome.NOT_CHECKED);
        }
        checkInvariants();
    }

    /** True if {@code hash} equals the hash the outstanding or just-answered check carried. */
    static boolean sameHash(Sent s, byte[] hash) {
        return Arrays.equals(s.textSha256(), hash);
    }

    /**
     * Invariants: {@code sent != null} exactly in AWAITING; waiters only in AWAITING; {@code unanswered} below
     * {@link #MAX_UNANSWERED} unless UNSUPPORTED.
     *
     * @throws IllegalStateException naming the broken one
     */
    void checkInvariants() {
        if ((sent != null) != (state == State.AWAITING)) {
            throw new IllegalStateException("sent check " + sent + " in state " + state);
        }
        if (!waiters.isEmpty() && state != State.AWAITING) {
            throw new IllegalStateException(waiters.size() + " waiters in state " + state);
        }
        if (unanswered >= MAX_UNANSWERED && state != State.UNSUPPORTED) {
            throw new IllegalStateException(unanswered + " unanswered checks in state " + state);
        }
    }
}

package dev.weft.client;

import java.util.ArrayDeque;

/**
 * Which of a document's local operations the relay has acknowledged as durable.
 *
 * <p>Inserted characters have ids {@code (agent, seq)}, so an {@code Ack(durableVersion)} covers them by seq. Deletes
 * consume no seq (they are a delete set), so a version cannot say whether a delete is durable. Instead each
 * {@code Update} we send records how many characters we had deleted locally when it was sent, and the relay's
 * responses are matched to updates by order: it processes one connection's messages in order and answers every
 * update with exactly one {@code Ack} (in order, after its commit) or one {@code Error} (at once). Because an error
 * can overtake earlier acks, after an error the matching is uncertain until the next sync: at the
 * {@code SyncReply} every update sent before the {@code SyncRequest} has been processed and its errors have
 * arrived, so the number of acks still owed to old updates is known exactly, and matching resumes after them.
 *
 * <p>Not thread-safe except the volatile counters read by {@link #unacked()}: confined to the document's executor.
 */
final class AckTracker {
    /** Next seq of our agent (local inserts made so far). */
    private volatile long localNext;
    /** Next seq of our agent covered by an Ack. */
    private volatile long ackedNext;
    /** Characters deleted locally so far (plus 1 if the replica may hold unsent deletes from an earlier session). */
    private volatile long localDeleted;
    /** Value of {@link #localDeleted} when the last acknowledged update was sent. */
    private volatile long ackedDeleted;
    /** Per unanswered update in send order: {@link #localDeleted} when sent, or -1 if unknown. */
    private final ArrayDeque<Long> inflight = new ArrayDeque<>();
    /** Updates sent, acks and update errors received on the current connection. */
    private long sent;
    private long acks;
    private long errors;
    /** {@link #sent} when the pending SyncRequest was sent. */
    private long sentBeforeRequest;
    /** True after an update error until the next SyncReply: queue entries no longer match acks exactly. */
    private boolean uncertain;

    AckTracker(long localNext, boolean mayHoldUnsentDeletes) {
        this.localNext = localNext;
        this.localDeleted = mayHoldUnsentDeletes ? 1 : 0;
    }

    /** A local edit was made; {@code localNextNow} is our agent's next seq after it. */
    void localEdit(long localNextNow, long deletedChars) {
        localNext = localNextNow;
        localDeleted += deletedChars;
    }

    /** A new connection: nothing is in flight on it. */
    void connectionStarted() {
        inflight.clear();
        sent = acks = errors = sentBeforeRequest = 0;
        uncertain = false;
    }

    void syncRequestSent() {
        sentBeforeRequest = sent;
    }

    /** The SyncReply arrived: every update sent before the request has been processed and its error (if any) seen. */
    void syncReplied() {
        if (uncertain) {
            long owed = Math.max(0, sentBeforeRequest - acks - errors);
            inflight.clear();
            for (long i = 0; i < owed; i++) {
                inflight.add(-1L);
            }
            uncertain = false;
        }
    }

    void updateSent() {
        sent++;
        inflight.add(localDeleted);
    }

    /**
     * An Ack arrived.
     *
     * @param durableNext our agent's next seq in the ack's durable version
     * @return true if more of our operations are now acknowledged
     */
    boolean acked(long durableNext) {
        acks++;
        long before = ackedNext + ackedDeleted;
        Long deleted = inflight.poll();
        if (!uncertain && deleted != null && deleted >= 0 && deleted > ackedDeleted) {
            ackedDeleted = deleted;
        }
        if (durableNext > ackedNext) {
            ackedNext = durableNext;
        }
        return ackedNext + ackedDeleted > before;
    }

    /** The relay refused one of our updates (rate limit, storage fault, limits…): matching is uncertain. */
    void updateRefused() {
        errors++;
        uncertain = true;
    }

    /** Local operations not yet acknowledged: inserted characters by seq, plus deleted characters. */
    long unacked() {
        return Math.max(0, localNext - ackedNext) + Math.max(0, localDeleted - ackedDeleted);
    }

    /** True if some local deletes are not known to be durable (a sync must then send the delete set). */
    boolean deletesUnacked() {
        return localDeleted > ackedDeleted;
    }

    /**
     * True if every update sent on this connection has been answered and the matching is exact: nothing we sent can
     * still bring an Ack.
     */
    boolean allAnswered() {
        return !uncertain && inflight.isEmpty();
    }

    /** True if some local inserts are not covered by an ack. */
    boolean insertsUnacked() {
        return localNext > ackedNext;
    }

    long ackedNext() {
        return ackedNext;
    }

    long localNext() {
        return localNext;
    }

    long localDeleted() {
        return localDeleted;
    }

    /** True if everything up to the given local counters is acknowledged. */
    boolean covers(long next, long deleted) {
        return ackedNext >= next && ackedDeleted >= deleted;
    }
}

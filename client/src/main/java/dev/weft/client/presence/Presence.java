package dev.weft.client.presence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The presence table of one shared document: every other member's latest awareness and our own state. Rules
 * ({@code docs/protocol.md}, "Awareness"): a member's state is replaced only by a higher clock; a removal
 * ({@code ""}) wins whatever its clock; a member that sent nothing for the timeout is dropped; all are dropped when
 * the connection is lost.
 *
 * <pre>{@code
 * Presence p = new Presence(1_000);          // our clock starts above any earlier session's
 * p.receive(7, 5, "{\"name\":\"ada\"}", t)   // true: member 7 is present
 * p.receive(7, 4, "{\"name\":\"old\"}", t)   // false: older clock
 * p.receive(7, 0, "", t)                     // true: removed
 * }</pre>
 *
 * <p>Threading: mutators run on the owning document's executor only; {@link #members()} and
 * {@link #states()} may be read from any thread (a concurrent map).
 */
public final class Presence {
    /** Other members by client id; written on the owner's executor only. */
    private final Map<Long, Member> remote = new ConcurrentHashMap<>();
    /** Our state ({@code ""} = none); owner's executor only. */
    private String local = "";
    /** Clock of {@link #local}; starts at the caller's value (the wall clock) so it is above any earlier session's. */
    private long localClock;
    /** When our state was last sent ({@link System#nanoTime()}), for the heartbeat; executor only. */
    private long lastSentNanos;

    public Presence(long initialClock) {
        this.localClock = initialClock;
        this.lastSentNanos = System.nanoTime();
    }

    /**
     * Another member's latest awareness.
     *
     * @param clock         its clock (mutable: replaced by each newer state)
     * @param state         the raw state JSON, never {@code ""}
     * @param receivedNanos when it arrived, for expiry
     * @param parsed        the state in Weft's shape, or null if it never had that shape; a later state that is
     *                      not in that shape keeps the previous parsed one
     */
    public record Member(long clientId, long clock, String state, long receivedNanos, PresenceState parsed) {
    }

    /**
     * Applies another member's {@code Awareness}.
     *
     * @return true if that member's state changed (listeners should hear of it)
     */
    public boolean receive(long clientId, long clock, String state, long nowNanos) {
        Member old = remote.get(clientId);
        if (state.isEmpty()) {
            return old != null && remote.remove(clientId) != null;
        }
        if (old != null && clock <= old.clock()) {
            return false;
        }
        PresenceState parsed = PresenceState.parse(state, "anonymous", "").orElse(old == null ? null : old.parsed());
        remote.put(clientId, new Member(clientId, clock, state, nowNanos, parsed));
        return true;
    }

    /** Forgets every other member (connection lost); returns their ids. */
    public List<Long> clear() {
        List<Long> ids = new ArrayList<>(remote.keySet());
        remote.clear();
        return ids;
    }

    /** Drops members that sent nothing for {@code timeoutNanos}; returns their ids. */
    public List<Long> expire(long nowNanos, long timeoutNanos) {
        if (remote.isEmpty()) {
            return List.of(); // the common case, once a second for each of a folder's thousands of documents
        }
        List<Long> ids = new ArrayList<>();
        for (Member m : List.copyOf(remote.values())) {
            if (nowNanos - m.receivedNanos() > timeoutNanos) {
                remote.remove(m.clientId());
                ids.add(m.clientId());
            }
        }
        return ids;
    }

    /** Other members present now (any thread). */
    public Collection<Member> members() {
        return List.copyOf(remote.values());
    }

    /** Other members whose state is in Weft's shape, by client id (any thread). */
    public Map<Long, PresenceState> states() {
        Map<Long, PresenceState> out = new java.util.LinkedHashMap<>();
        for (Member m : remote.values()) {
            if (m.parsed() != null) {
                out.put(m.clientId(), m.parsed());
            }
        }
        return out;
    }

    /** Sets our state ({@code ""} = none) with a new clock. */
    public void setLocal(String state) {
        local = state;
        localClock++;
    }

    /** Our state, {@code ""} if none. */
    public String local() {
        return local;
    }

    public long localClock() {
        return localClock;
    }

    /** A new clock for re-sending our state (heartbeat, leaving). */
    public long nextLocalClock() {
        return ++localClock;
    }

    /** True if we have a state and have not sent it for {@code heartbeatNanos}. */
    public boolean heartbeatDue(long nowNanos, long heartbeatNanos) {
        return !local.isEmpty() && nowNanos - lastSentNanos > heartbeatNanos;
    }

    /** Records that our state was just sent. */
    public void sent(long nowNanos) {
        lastSentNanos = nowNanos;
    }
}

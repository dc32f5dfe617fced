package dev.weft.relay.room;

import dev.weft.sync.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The latest awareness state per (clientId, doc) in one room, last writer (highest clock) wins. Confined to the
 * room's executor.
 */
final class AwarenessTable {
    /** Key of one entry; immutable. */
    record Key(long clientId, String doc) {
    }

    /** A kept state; immutable. {@code owner} is the session that published it (only it clears it on disconnect). */
    record Entry(Message.Awareness message, Session owner, long lastSeenMillis) {
    }

    private final Map<Key, Entry> entries = new HashMap<>();

    /** Outcome of {@link #apply}. */
    enum Result { CHANGED, REFRESHED, STALE }

    /**
     * Applies an awareness message from {@code owner}: a higher clock replaces (or, with an empty state, removes)
     * the entry; an equal clock only refreshes its expiry; a lower clock is stale and ignored.
     */
    Result apply(Message.Awareness m, Session owner, long nowMillis) {
        Key key = new Key(m.clientId(), m.doc());
        Entry old = entries.get(key);
        if (old != null && m.clock() < old.message().clock()) {
            return Result.STALE;
        }
        if (old != null && m.clock() == old.message().clock() && m.state().equals(old.message().state())) {
            entries.put(key, new Entry(old.message(), owner, nowMillis));
            return Result.REFRESHED;
        }
        if (m.isRemoval()) {
            if (old == null) {
                return Result.STALE;
            }
            entries.remove(key);
        } else {
            entries.put(key, new Entry(m, owner, nowMillis));
        }
        return Result.CHANGED;
    }

    /** Current states for {@code doc} of clients other than {@code exceptClientId}. */
    List<Message.Awareness> statesFor(String doc, long exceptClientId) {
        List<Message.Awareness> out = new ArrayList<>();
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            if (e.getKey().doc().equals(doc) && e.getKey().clientId() != exceptClientId) {
                out.add(e.getValue().message());
            }
        }
        return out;
    }

    /** Removes and returns (as removal messages) every entry published by {@code owner}. */
    List<Message.Awareness> removeOwnedBy(Session owner) {
        List<Message.Awareness> removed = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.owner() == owner) {
                it.remove();
                removed.add(removal(e.message()));
            }
        }
        return removed;
    }

    /** Removes and returns (as removal messages) entries not refreshed since {@code cutoffMillis}. */
    List<Message.Awareness> expire(long cutoffMillis) {
        List<Message.Awareness> removed = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.lastSeenMillis() < cutoffMillis) {
                it.remove();
                removed.add(removal(e.message()));
            }
        }
        return removed;
    }

    int size() {
        return entries.size();
    }

    private static Message.Awareness removal(Message.Awareness m) {
        return new Message.Awareness(m.doc(), m.clientId(), m.clock(), "");
    }

    /** Invariant: every key matches its entry's message. */
    void checkInvariants() {
        for (Map.Entry<Key, Entry> e : entries.entrySet()) {
            Message.Awareness m = e.getValue().message();
            if (m.clientId() != e.getKey().clientId() || !Objects.equals(m.doc(), e.getKey().doc()) || m.isRemoval()) {
                throw new IllegalStateException("awareness entry " + e.getKey() + " holds " + m);
            }
        }
    }
}

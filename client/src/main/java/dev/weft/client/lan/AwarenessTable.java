package dev.weft.client.lan;

import dev.weft.sync.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest awareness per (clientId, doc) a node has seen, last writer wins by clock, so that an awareness that
 * travels around a loop of peers is accepted once and dropped the second time. Confined to the hub's executor.
 */
final class AwarenessTable {
    /** States not refreshed for this long are not handed to newcomers (their owners re-send every ~15 s). */
    static final long FRESH_NANOS = 30_000_000_000L;

    private record Key(long clientId, String doc) {
    }

    private record Entry(Message.Awareness awareness, long receivedNanos) {
    }

    /** Key → latest state; removals delete the entry. */
    private final Map<Key, Entry> entries = new HashMap<>();

    /**
     * Records {@code a} if it is news: a higher clock than the kept one, or a removal of a kept state.
     *
     * @return true if it was news (forward and deliver it), false if a duplicate or stale
     */
    boolean accept(Message.Awareness a) {
        Key k = new Key(a.clientId(), a.doc());
        Entry e = entries.get(k);
        if (a.state().isEmpty()) {
            return entries.remove(k) != null;
        }
        if (e != null && a.clock() <= e.awareness().clock()) {
            return false;
        }
        entries.put(k, new Entry(a, System.nanoTime()));
        return true;
    }

    /** Fresh states for {@code doc} (every document if null), except those of {@code exceptClient}. */
    List<Message.Awareness> fresh(String doc, long exceptClient) {
        long now = System.nanoTime();
        List<Message.Awareness> out = new ArrayList<>();
        for (var e : entries.entrySet()) {
            if ((doc == null || e.getKey().doc().equals(doc)) && e.getKey().clientId() != exceptClient
                    && now - e.getValue().receivedNanos() < FRESH_NANOS) {
                out.add(e.getValue().awareness());
            }
        }
        return out;
    }
}

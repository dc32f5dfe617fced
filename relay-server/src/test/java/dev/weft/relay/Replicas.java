package dev.weft.relay;

import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.relay.testing.RoomCredentials;
import dev.weft.relay.testing.WeftTestClient;
import dev.weft.sync.Message;
import java.util.concurrent.atomic.AtomicLong;

/** Client-side replica helpers for relay tests: the sync algorithm of docs/protocol.md, step by step. */
final class Replicas {
    private static final AtomicLong NEXT_AGENT = new AtomicLong(1000);

    private Replicas() {
    }

    static TextDocument fresh() {
        return new TextDocument(NEXT_AGENT.incrementAndGet());
    }

    /** A fresh replica of {@code doc} brought up to date by {@link #sync} over {@code c}. */
    static TextDocument synced(WeftTestClient c, String doc) {
        TextDocument r = fresh();
        sync(c, doc, r);
        return r;
    }

    /** Joins {@code room} over {@code c} with {@code secret}, then returns {@link #synced} of {@code doc}. */
    static TextDocument joined(WeftTestClient c, RoomCredentials room, String secret, long clientId, String name,
                               String doc) {
        c.join(room, secret, clientId, name);
        return synced(c, doc);
    }

    /** SyncRequest → SyncReply, applied; sends the diff the relay lacks. Returns the reply. */
    static Message.SyncReply sync(WeftTestClient c, String doc, TextDocument replica) {
        c.send(new Message.SyncRequest(doc, replica.version()));
        Message.SyncReply reply = c.expect(Message.SyncReply.class, r -> r.doc().equals(doc), WeftTestClient.TIMEOUT);
        replica.applyUpdate(reply.update());
        if (!reply.serverVersion().covers(replica.version())) {
            c.send(new Message.Update(doc, replica.encodeDiff(reply.serverVersion())));
        }
        return reply;
    }

    /** Waits for an Ack of {@code doc} covering {@code version}. */
    static Message.Ack awaitAck(WeftTestClient c, String doc, VersionVector version) {
        return c.expect(Message.Ack.class, a -> a.doc().equals(doc) && a.durableVersion().covers(version),
                WeftTestClient.TIMEOUT);
    }
}

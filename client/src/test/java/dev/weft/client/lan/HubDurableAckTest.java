package dev.weft.client.lan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.SyncChannel;
import dev.weft.client.journal.Journal;
import dev.weft.crdt.TextDocument;
import dev.weft.crdt.model.VersionVector;
import dev.weft.sync.Message;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A LAN node acknowledges what its journal holds, never an update that arrived while the journal write ran. */
class HubDurableAckTest {
    @TempDir
    Path tmp;

    @Test
    void anUpdateIntegratedDuringAJournalWriteIsNotAcknowledgedByThatWrite() throws Exception {
        LanLink link = LanLink.newRoom("acks");
        // The test thread is the hub's thread: it runs what the hub hands to "later", one at a time, in order.
        LinkedBlockingQueue<Runnable> later = new LinkedBlockingQueue<>();
        Hub hub = new Hub(link.keys(), 1, "tester", new Journal(tmp).openRoom(link.room()), later::add);
        List<Message.Ack> acks = new CopyOnWriteArrayList<>();
        hub.attach("doc", new SyncChannel.Endpoint() {
            @Override
            public void onConnected() {
            }

            @Override
            public void onDisconnected() {
            }

            @Override
            public void onMessage(Message m) {
                if (m instanceof Message.Ack a) {
                    acks.add(a);
                }
            }
        });
        TextDocument editor = new TextDocument(42);
        editor.insert(0, "first");
        VersionVector v1 = editor.version();
        hub.fromLocal(new Message.Update("doc", editor.encodeStateAsUpdate()));
        next(later).run(); // the flush: snapshot of v1, written on the journal thread
        Runnable written = next(later); // queued by the journal thread once v1 is on disk
        editor.insert(5, " second");
        VersionVector v2 = editor.version();
        hub.fromLocal(new Message.Update("doc", editor.encodeDiff(v1))); // integrated while v1 was being written
        written.run();
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0).durableVersion()).as("only what the write held").isEqualTo(v1);
        next(later).run(); // the next flush, for the second update
        next(later).run(); // its write done
        assertThat(acks).hasSize(2);
        assertThat(acks.get(1).durableVersion()).isEqualTo(v2);
        hub.close();
    }

    private static Runnable next(LinkedBlockingQueue<Runnable> queue) throws InterruptedException {
        Runnable r = queue.poll(10, TimeUnit.SECONDS);
        assertThat(r).as("the hub handed over its next step").isNotNull();
        return r;
    }
}

package dev.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.client.testing.InMemoryRelay;
import dev.weft.crdt.TextDocument;
import dev.weft.sync.Message;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random schedules of two members whose edits reach each other first over a "direct link" and only later,
 * in order but after random delays, the relay (as with {@code dev.weft.client.direct.DirectChannel} when the relay
 * path is slower than the link). A member then often types on an edit the relay has not seen, so the relay holds
 * that update until the dependency arrives and its first Ack does not cover it. At the end every member's every
 * insert and delete must be acknowledged and all three copies (both members and the relay) equal.
 */
class DirectFirstRandomAckTest {
    static java.util.stream.IntStream seeds() {
        return java.util.stream.IntStream.range(0, 40);
    }

    /**
     * A member's channel that hands each non-empty Update at once to the other member (the direct link) and keeps
     * everything bound for the relay in a queue, released in order by the test.
     */
    static final class DelayedRelayPath extends ForwardingSyncChannel {
        /** Messages for the relay not released yet, in send order; guarded by this. */
        private final ArrayDeque<Message> held = new ArrayDeque<>();
        /** The other member's relay connection (direct deliveries go to its endpoints); set once before use. */
        private volatile InMemoryRelay.Member peer;

        DelayedRelayPath(InMemoryRelay.Member relayConnection) {
            super(relayConnection);
        }

        @Override
        public synchronized boolean send(Message message) {
            if (delegate.state() != ConnectionState.CONNECTED) {
                return false;
            }
            if (message instanceof Message.Update u && u.update().length > 0) {
                peer.deliver(u);
            }
            held.add(message);
            return true;
        }

        /** Sends the {@code n} oldest held messages to the relay (fewer if fewer are held). */
        synchronized void release(int n) {
            for (int i = 0; i < n && !held.isEmpty(); i++) {
                delegate.send(held.poll());
            }
        }

        synchronized int heldCount() {
            return held.size();
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void editsTypedOnDirectDeliveriesAreAllAcknowledgedAndConverge(int seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        InMemoryRelay relay = new InMemoryRelay();
        DelayedRelayPath[] paths = {new DelayedRelayPath(relay.newConnection(1, false)),
                new DelayedRelayPath(relay.newConnection(2, false))};
        paths[0].peer = (InMemoryRelay.Member) paths[1].delegate;
        paths[1].peer = (InMemoryRelay.Member) paths[0].delegate;
        SharedDocument[] docs = {SharedDocument.open(paths[0], "doc.txt", new TextDocument(11)),
                SharedDocument.open(paths[1], "doc.txt", new TextDocument(12))};
        try {
            for (DelayedRelayPath p : paths) {
                ((InMemoryRelay.Member) p.delegate).connect().get(5, TimeUnit.SECONDS);
            }
            for (SharedDocument d : docs) {
                while (!d.firstSync().isDone()) {
                    releaseAll(paths);
                    settle(relay, docs);
                }
            }
            for (int step = 0; step < 80; step++) {
                int action = random.nextInt(10);
                int who = random.nextInt(2);
                if (action < 6) {
                    int pos = random.nextInt(1 << 20);
                    boolean delete = random.nextInt(4) == 0;
                    String ch = Character.toString('a' + random.nextInt(26));
                    docs[who].edit(t -> delete && t.length() > 0 ? t.delete(pos % t.length(), 1)
                            : t.insert(pos % (t.length() + 1), ch)).join();
                } else if (action < 9) {
                    paths[who].release(random.nextInt(4));
                } else {
                    settle(relay, docs);
                }
                docs[1 - who].call(x -> null).join(); // direct deliveries land before the next edit
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((docs[0].unackedCount() > 0 || docs[1].unackedCount() > 0 || paths[0].heldCount() > 0
                    || paths[1].heldCount() > 0) && System.nanoTime() < deadline) {
                releaseAll(paths);
                settle(relay, docs);
                Thread.sleep(20);
            }
            assertThat(docs[0].unackedCount()).as("seed %d: member 1's operations acknowledged", seed).isZero();
            assertThat(docs[1].unackedCount()).as("seed %d: member 2's operations acknowledged", seed).isZero();
            String text = docs[0].call(TextDocument::getText).join();
            assertThat(docs[1].call(TextDocument::getText).join()).as("seed %d: members converged", seed)
                    .isEqualTo(text);
            assertThat(relay.text("doc.txt")).as("seed %d: the relay's copy", seed).isEqualTo(text);
        } finally {
            for (SharedDocument d : docs) {
                d.close();
            }
        }
    }

    private static void releaseAll(DelayedRelayPath[] paths) {
        for (DelayedRelayPath p : paths) {
            p.release(Integer.MAX_VALUE);
        }
    }

    private static void settle(InMemoryRelay relay, SharedDocument[] docs) {
        for (int round = 0; round < 4; round++) {
            relay.drain();
            for (SharedDocument d : docs) {
                d.call(x -> null).join();
            }
        }
    }
}

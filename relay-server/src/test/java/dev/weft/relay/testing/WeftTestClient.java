package dev.weft.relay.testing;

import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A protocol-level test client of the relay: sends {@link Message}s on event "weft" (base64) and queues what
 * arrives; {@link #expect} takes the first matching message and leaves the others queued, so tests need not
 * know the exact interleaving of e.g. DocAdded and SyncReply. Subclasses provide the Socket.IO client (Java or
 * Node). Receiving methods are for one (test) thread.
 *
 * <pre>{@code
 * try (WeftTestClient c = JavaWeftClient.connect(relay.url())) {
 *     c.send(new Message.Hello(1, room.room(), room.secret(), 7, "ann", "#ff0000"));
 *     Message.Welcome w = c.expect(Message.Welcome.class);
 * }
 * }</pre>
 */
public abstract class WeftTestClient implements AutoCloseable {
    /** Default wait for an expected message. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A received event: a decoded message, or a connection change ({@code message} null). */
    public record Event(Message message, String connection, String raw) {
    }

    /** Received, not yet consumed events. */
    protected final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    /** Sends one message as a base64 string. */
    public void send(Message m) {
        emitString(MessageCodec.encodeBase64(m));
    }

    /** Emits event "weft" with an arbitrary string argument (for malformed-input tests). */
    public abstract void emitString(String data);

    /** Disconnects (the client does not reconnect until {@link #reconnect()}). */
    public abstract void disconnect();

    /** Connects again after {@link #disconnect()}. */
    public abstract void reconnect();

    /** Called by subclasses for each "weft" event. */
    protected void received(String base64) {
        Message m;
        try {
            m = MessageCodec.decodeBase64(base64, MessageCodec.Limits.DEFAULT);
        } catch (RuntimeException e) {
            events.add(new Event(null, "undecodable: " + e.getMessage(), base64));
            return;
        }
        events.add(new Event(m, null, base64));
    }

    /** Called by subclasses on connect ("connect") and disconnect ("disconnect: reason"). */
    protected void connection(String what) {
        events.add(new Event(null, what, null));
    }

    /** Events looked at by {@link #expect} but not taken, in arrival order; test thread only. */
    private final List<Event> backlog = new ArrayList<>();

    /** The next event not yet taken (backlog first), or null after {@code timeout}. */
    public Event nextEvent(Duration timeout) {
        if (!backlog.isEmpty()) {
            return backlog.remove(0);
        }
        return poll(timeout);
    }

    private Event poll(Duration timeout) {
        try {
            return events.poll(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Takes the first event (backlog, then arrivals within {@code timeout}) matching {@code filter}; others stay. */
    private Event take(Predicate<Event> filter, Duration timeout) {
        for (int i = 0; i < backlog.size(); i++) {
            if (filter.test(backlog.get(i))) {
                return backlog.remove(i);
            }
        }
        return pollUntil(System.nanoTime() + timeout.toNanos(), e -> {
            if (filter.test(e)) {
                return true;
            }
            backlog.add(e);
            return false;
        });
    }

    /**
     * Hands each event arriving before {@code deadline} ({@link System#nanoTime()}) to {@code stop}.
     *
     * @return the first event {@code stop} accepted, or null when the deadline passed first
     */
    private Event pollUntil(long deadline, Predicate<Event> stop) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            Event e = poll(Duration.ofNanos(left));
            if (e != null && stop.test(e)) {
                return e;
            }
        }
    }

    /** Waits for the next connection event ("connect", "disconnect: …"); messages stay queued. */
    public String awaitConnection(Duration timeout) {
        Event e = take(x -> x.connection() != null && x.message() == null && x.raw() == null, timeout);
        if (e == null) {
            throw new AssertionError("no connection event within " + timeout + "; queued " + backlog);
        }
        return e.connection();
    }

    /** The first message of {@code type} (others stay queued for later calls). */
    public <T extends Message> T expect(Class<T> type) {
        return expect(type, m -> true, TIMEOUT);
    }

    /** The first message of {@code type} matching {@code filter} within {@code timeout}; fails the test otherwise. */
    public <T extends Message> T expect(Class<T> type, Predicate<T> filter, Duration timeout) {
        Event e = take(x -> type.isInstance(x.message()) && filter.test(type.cast(x.message())), timeout);
        if (e == null) {
            throw new AssertionError("no matching " + type.getSimpleName() + " within " + timeout + "; queued "
                    + backlog);
        }
        return type.cast(e.message());
    }

    /** Takes every queued message and every one arriving within {@code window} (for "nothing else" checks). */
    public List<Message> drain(Duration window) {
        List<Message> out = new ArrayList<>();
        for (Event e : backlog) {
            if (e.message() != null) {
                out.add(e.message());
            }
        }
        backlog.clear();
        pollUntil(System.nanoTime() + window.toNanos(), e -> {
            if (e.message() != null) {
                out.add(e.message());
            }
            return false;
        });
        return out;
    }

    /** Sends Hello and waits for Welcome (fails on Error). */
    public Message.Welcome join(RoomCredentials room, String secret, long clientId, String userName) {
        send(new Message.Hello(MessageCodec.PROTOCOL_VERSION, room.room(), secret, clientId, userName, "#3366ff"));
        Message m = expect(Message.class, x -> x instanceof Message.Welcome || x instanceof Message.Error, TIMEOUT);
        if (m instanceof Message.Error err) {
            throw new AssertionError("join refused: " + err);
        }
        return (Message.Welcome) m;
    }

    @Override
    public abstract void close();
}

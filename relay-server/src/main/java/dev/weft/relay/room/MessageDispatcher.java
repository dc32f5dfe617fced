package dev.weft.relay.room;

import dev.weft.relay.log.Log;
import dev.weft.relay.log.LogText;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.MalformedMessageException;
import dev.weft.sync.Message;
import dev.weft.sync.MessageCodec;
import java.util.logging.Logger;

/**
 * Entry point for messages received on a connection: size check, decode, handshake and rate checks on the calling
 * (Socket.IO) thread, then hand-off to the room's executor. Never blocks.
 */
public final class MessageDispatcher {
    private static final Logger LOG = Logger.getLogger(MessageDispatcher.class.getName());

    /** Shared services; immutable. */
    private final RelayContext ctx;
    /** Rooms; immutable. */
    private final RoomRegistry registry;
    /** Decoding limits derived from the configuration; immutable. */
    private final MessageCodec.Limits limits;

    public MessageDispatcher(RelayContext ctx, RoomRegistry registry) {
        this.ctx = ctx;
        this.registry = registry;
        this.limits = MessageCodec.Limits.DEFAULT.withMaxMessageBytes(ctx.config().maxMessageBytes());
    }

    /** Handles one event "weft" argument ({@code data} may be anything the client sent). */
    public void onMessage(Session s, Object data) {
        onMessage(s, data, null);
    }

    /**
     * Handles one event "weft" argument received as the transport frame {@code frame} (null if unknown): an update
     * is forwarded as that frame, not framed again.
     */
    public void onMessage(Session s, Object data, byte[] frame) {
        long received = System.nanoTime();
        if (s.state() == Session.JoinState.CLOSED) {
            return;
        }
        ctx.metrics().messagesIn.incrementAndGet();
        if (!(data instanceof String text)) {
            s.sendError(ErrorCode.BAD_MESSAGE, "event \"weft\" takes one base64 string argument", "");
            return;
        }
        // Checked before decoding so oversized input costs nothing (base64: 4 characters per 3 bytes).
        if ((long) text.length() * 3 / 4 > ctx.config().maxMessageBytes() + 2L) {
            s.sendError(ErrorCode.MESSAGE_TOO_LARGE, "message of about " + ((long) text.length() * 3 / 4)
                    + " bytes exceeds the limit of " + ctx.config().maxMessageBytes() + " bytes; nothing was applied", "");
            return;
        }
        Message m;
        try {
            m = MessageCodec.decodeBase64(text, limits);
        } catch (MalformedMessageException e) {
            Log.debug(LOG, "message.malformed", "session", s.describe(), "reason", LogText.untrusted(e.getMessage()));
            s.sendError(ErrorCode.BAD_MESSAGE, e.getMessage(), "");
            return;
        }
        ctx.metrics().bytesIn.addAndGet(text.length() * 3L / 4);
        if (m instanceof Message.Hello hello) {
            hello(s, hello);
            return;
        }
        if (s.state() != Session.JoinState.JOINED) {
            s.sendError(ErrorCode.NOT_JOINED, "send Hello first", "");
            return;
        }
        if (!s.rate.tryTake(received)) {
            s.sendError(ErrorCode.RATE_LIMITED, "over " + ctx.config().updateRate() + " messages/s; "
                    + m.getClass().getSimpleName() + " dropped, resend later", m.doc());
            return;
        }
        Room room = s.room;
        if (m instanceof Message.Update u) {
            // Forwarded as received: the same base64 text, not re-encoded.
            Outgoing forward = new Outgoing(u, text, (int) (text.length() * 3L / 4), frame);
            // Inline on this event-loop thread when the room is idle: integrating and forwarding one keystroke
            // takes microseconds, a hand-off to the room pool costs a thread wake-up.
            room.executeInlineIfIdle(answering(s, u, () -> room.update(s, u, forward, received)));
        } else if (m instanceof Message.DirectUpdate d) {
            Message.Update u = d.asUpdate();
            Outgoing forward = Outgoing.of(u);
            room.executeInlineIfIdle(answering(s, u, () -> room.update(s, u, forward, received, d.skip())));
        } else if (m instanceof Message.Signal g) {
            room.execute(answering(s, g, () -> room.signal(s, g)));
        } else if (m instanceof Message.SyncRequest r) {
            room.execute(answering(s, r, () -> room.syncRequest(s, r)));
        } else if (m instanceof Message.SyncBatchRequest b) {
            room.execute(answering(s, b, () -> room.syncBatch(s, b)));
        } else if (m instanceof Message.StateCheck c) {
            room.execute(answering(s, c, () -> room.stateCheck(s, c)));
        } else if (m instanceof Message.Awareness a) {
            long now = System.currentTimeMillis();
            room.executeInlineIfIdle(answering(s, a, () -> room.awareness(s, a, now)));
        } else {
            s.sendError(ErrorCode.BAD_MESSAGE, m.getClass().getSimpleName() + " is sent by the relay, not to it",
                    m.doc());
        }
    }

    /**
     * {@code task}, made to answer its sender with {@code Error(INTERNAL)} if it fails in any way ({@link Error}s
     * such as {@code OutOfMemoryError} included), so a failed message still gets its one answer and the room's
     * executor goes on with the next task.
     */
    private static Runnable answering(Session s, Message m, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                try {
                    Log.error(LOG, "room.message_failed", t, "session", s.describe(), "type",
                            m.getClass().getSimpleName(), "doc", LogText.clip(m.doc()));
                    s.sendError(ErrorCode.INTERNAL, "relay failed to handle " + m.getClass().getSimpleName()
                            + "; nothing was acknowledged, resend after SyncRequest", m.doc());
                } catch (Throwable ignored) {
                    // out of memory again: the executor's own guard keeps the room serving
                }
            }
        };
    }

    private void hello(Session s, Message.Hello hello) {
        if (hello.protocolVersion() != MessageCodec.PROTOCOL_VERSION) {
            s.sendError(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.protocolVersion()
                    + " is not supported; this relay speaks " + MessageCodec.PROTOCOL_VERSION, "");
            return;
        }
        if (!s.state.compareAndSet(Session.JoinState.NEW, Session.JoinState.JOINING)) {
            s.sendError(ErrorCode.TOO_MANY_ROOMS, "this connection already joined a room; open another connection", "");
            return;
        }
        registry.join(s, hello);
    }

    /** The connection closed: leave the room (clearing awareness). */
    public void onDisconnect(Session s) {
        Session.JoinState previous = s.state.getAndSet(Session.JoinState.CLOSED);
        Room room = s.room;
        if (room != null && previous != Session.JoinState.NEW) {
            room.execute(() -> room.leave(s));
        }
    }
}

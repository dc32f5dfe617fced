package dev.weft.relay.net;

import com.corundumstudio.socketio.handler.ClientHead;
import dev.weft.relay.log.Log;
import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.room.MessageDispatcher;
import dev.weft.relay.room.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

/**
 * Decodes the one frame shape that carries nearly all of the relay's inbound traffic, {@code 42["weft","<base64>"]},
 * without netty-socketio, and hands everything else to netty-socketio unchanged.
 *
 * <p>netty-socketio turns each text frame into a {@code PacketsMessage}, parses the Socket.IO packet, runs Jackson
 * over its JSON array and looks the event up by name before our listener sees the string: about 45 % of the relay's
 * CPU in a JFR profile of 200 clients typing (docs/benchmarks.md, "Relay vs Hocuspocus"). A frame is taken here
 * only if all of these hold, so that netty-socketio would have produced exactly the same listener call:
 *
 * <ul>
 *   <li>it is a complete text frame ({@link TextWebSocketFrame}, final fragment; fragments, binary frames and
 *       continuation frames go on to netty-socketio's aggregator, which sits after this handler);</li>
 *   <li>its bytes are {@code 42["weft","} (Engine.IO message, Socket.IO event, default namespace, no ack id, no
 *       attachments), then only base64 alphabet characters ({@code A-Z a-z 0-9 + / =}), then {@code "]} and
 *       nothing else: no JSON escape, no second argument, no whitespace can occur;</li>
 *   <li>the channel's Socket.IO client is connected to the default namespace ({@link #bind} was called from the
 *       connect listener, on this channel's event loop, so a frame sent after {@code 40} always finds it, and
 *       {@link #unbind} from the disconnect listener, so a frame sent after {@code 41} goes to netty-socketio,
 *       which drops it).</li>
 * </ul>
 *
 * <p>What netty-socketio would then do for such a frame, done here in the same order on the same thread: reschedule
 * the client's ping timeout ({@code PacketListener}, every MESSAGE packet) and call the "weft" listener, i.e.
 * {@link MessageDispatcher#onMessage}; an exception from it is logged as {@code socketio.event_failed}, as
 * netty-socketio's exception listener logs it. Frame size limits are enforced before this handler by the WebSocket
 * frame decoder (close 1009), so they are unchanged. The frame's bytes are also the relay's outgoing frame for the
 * same message ({@link SocketIoFrames#event}), so a forwarded update is sent as received.
 *
 * <p>Sharable and stateless apart from the channel attribute; runs on each channel's event loop.
 */
@ChannelHandler.Sharable
final class EventFrameFastPath extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(EventFrameFastPath.class.getName());
    /** Where a channel's frames go once its client connected to the default namespace; unset before. */
    private static final AttributeKey<Target> TARGET = AttributeKey.valueOf("weft.eventTarget");
    /** {@code 42["weft","}: the bytes every taken frame starts with. */
    private static final byte[] PREFIX = SocketIoFrames.PREFIX;
    /** {@code "]}: the bytes every taken frame ends with. */
    private static final int SUFFIX_LENGTH = SocketIoFrames.SUFFIX_LENGTH;

    /**
     * A connected client's relay session and netty-socketio head (for its ping timeout); immutable.
     *
     * @param session the relay session the dispatcher serves
     * @param head    netty-socketio's client, whose ping timeout every received message reschedules
     */
    private record Target(Session session, ClientHead head) {
    }

    /** Receives the messages; immutable. */
    private final MessageDispatcher dispatcher;
    /** Counts taken frames; immutable. */
    private final RelayMetrics metrics;

    EventFrameFastPath(MessageDispatcher dispatcher, RelayMetrics metrics) {
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    /**
     * Routes {@code channel}'s later event frames to {@code session}. Called by the connect listener, on the
     * channel's event loop, once the client joined the default namespace.
     */
    static void bind(Channel channel, Session session, ClientHead head) {
        channel.attr(TARGET).set(new Target(session, head));
    }

    /**
     * Stops routing {@code channel}'s frames to {@code session} (if they still go there): its client left the
     * namespace ({@code 41}) or disconnected, after which netty-socketio calls no listener for its events.
     */
    static void unbind(Channel channel, Session session) {
        Target t = channel.attr(TARGET).get();
        if (t != null && t.session == session) {
            channel.attr(TARGET).compareAndSet(t, null);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof TextWebSocketFrame frame && frame.isFinalFragment()) {
            Target target = ctx.channel().attr(TARGET).get();
            byte[] bytes = target == null ? null : eventFrame(frame.content());
            if (bytes != null) {
                frame.release();
                deliver(target, bytes);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void deliver(Target target, byte[] frame) {
        metrics.messagesInFastPath.increment();
        target.head.schedulePingTimeout();
        String base64 = new String(frame, PREFIX.length, frame.length - PREFIX.length - SUFFIX_LENGTH,
                StandardCharsets.ISO_8859_1);
        try {
            dispatcher.onMessage(target.session, base64, frame);
        } catch (RuntimeException e) {
            Log.error(LOG, "socketio.event_failed", e, "session", target.session.describe());
        }
    }

    /**
     * The frame's bytes if they are exactly {@code 42["weft","<base64 alphabet only>"]}, else null (the frame is
     * then left untouched for netty-socketio).
     */
    static byte[] eventFrame(ByteBuf content) {
        int length = content.readableBytes();
        if (length < PREFIX.length + SUFFIX_LENGTH) {
            return null;
        }
        int start = content.readerIndex();
        for (int i = 0; i < PREFIX.length; i++) {
            if (content.getByte(start + i) != PREFIX[i]) {
                return null;
            }
        }
        if (content.getByte(start + length - 2) != '"' || content.getByte(start + length - 1) != ']') {
            return null;
        }
        byte[] bytes = new byte[length];
        content.getBytes(start, bytes);
        for (int i = PREFIX.length; i < length - SUFFIX_LENGTH; i++) {
            byte b = bytes[i];
            if (!SocketIoFrames.isBase64(b)) {
                return null;
            }
        }
        return bytes;
    }
}

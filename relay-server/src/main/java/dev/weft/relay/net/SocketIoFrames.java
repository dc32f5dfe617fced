package dev.weft.relay.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Writes relay messages as pre-encoded WebSocket frames, so a message forwarded to n connections is framed once
 * (netty-socketio's {@code sendEvent} builds a packet and runs Jackson for every recipient: 12 % of the relay's
 * CPU in a JFR profile of 200 clients typing; docs/benchmarks.md, "Relay vs Hocuspocus").
 *
 * <p>The frame is exactly what netty-socketio writes for {@code sendEvent("weft", base64)} on the default
 * namespace over WebSocket: Engine.IO message {@code 4}, Socket.IO event {@code 2}, then the JSON array
 * {@code ["weft","<base64>"]} (base64 needs no JSON escaping), one text frame per packet. It is written at the
 * pipeline's tail like netty-socketio's own frames (its encoder passes frames through), so permessage-deflate and
 * the frame encoder apply as before.
 *
 * <p>As a (sharable) handler it keeps the open channel of each remote address: {@link #channelOf} finds the
 * channel of a Socket.IO client by the address netty-socketio reports for it. Thread-safe.
 */
@ChannelHandler.Sharable
final class SocketIoFrames extends ChannelInboundHandlerAdapter {
    /** {@code 42["weft","}: what every event frame starts with. */
    static final byte[] PREFIX = ("42[\"" + SocketIoTransport.EVENT + "\",\"").getBytes(StandardCharsets.US_ASCII);
    /** {@code "]}: the bytes after the base64 text of every event frame. */
    static final int SUFFIX_LENGTH = 2;
    /** Base64 alphabet membership by character value (standard alphabet and padding). */
    private static final boolean[] BASE64 = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            BASE64[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            BASE64[c] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            BASE64[c] = true;
        }
        BASE64['+'] = true;
        BASE64['/'] = true;
        BASE64['='] = true;
    }

    /**
     * True if {@code c} is in the standard base64 alphabet or is its padding: text of such characters needs no JSON
     * escaping, so an event frame can carry it as is (in both directions).
     */
    static boolean isBase64(int c) {
        return c >= 0 && c < BASE64.length && BASE64[c];
    }
    /** Open channels by remote address (ip:port is unique among open TCP connections). */
    private final ConcurrentMap<SocketAddress, Channel> open = new ConcurrentHashMap<>();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        track(ctx.channel(), true);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        track(ctx.channel(), false);
        super.channelInactive(ctx);
    }

    /** Records {@code ch} as open under its remote address, or forgets it (only if it is still the one recorded). */
    private void track(Channel ch, boolean active) {
        SocketAddress remote = ch.remoteAddress();
        if (remote == null) {
            return;
        }
        if (active) {
            open.put(remote, ch);
        } else {
            open.remove(remote, ch);
        }
    }

    /** The open channel whose remote address is {@code remote}, or null. */
    Channel channelOf(SocketAddress remote) {
        return remote == null ? null : open.get(remote);
    }

    /**
     * {@code 42["weft","<base64>"]} in ASCII, or an empty array if {@code base64} holds a character outside the
     * base64 alphabet (never for relay messages: incoming ones were decoded by the strict decoder, outgoing ones
     * encoded by it; then the caller falls back to netty-socketio, which escapes).
     */
    static byte[] event(String base64) {
        // One pass, straight into the frame (no concatenated String, no second copy): a frame is built for every
        // Ack and every forwarded message not received as a plain frame.
        int n = base64.length();
        byte[] frame = new byte[PREFIX.length + n + SUFFIX_LENGTH];
        System.arraycopy(PREFIX, 0, frame, 0, PREFIX.length);
        for (int i = 0; i < n; i++) {
            char c = base64.charAt(i);
            if (!isBase64(c)) {
                return new byte[0];
            }
            frame[PREFIX.length + i] = (byte) c;
        }
        frame[frame.length - 2] = '"';
        frame[frame.length - 1] = ']';
        return frame;
    }

    /** Writes {@code frame} (from {@link #event}) to {@code channel} as one text frame and flushes. */
    static void write(Channel channel, byte[] frame) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
    }
}

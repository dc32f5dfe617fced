package dev.weft.relay.net;

import dev.weft.relay.log.Log;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.SocketAddress;
import java.util.logging.Logger;

/**
 * Last handler of every connection's pipeline: closes a connection whose WebSocket message, sent as several
 * fragments, adds up to more than the frame limit.
 *
 * <p>A single over-limit frame is refused by Netty's WebSocket frame decoder, which closes with 1009. Fragments are
 * each under the limit and are joined later by netty-socketio's frame aggregator, which refuses an over-limit total
 * with a {@link TooLongFrameException} that no handler takes: the message vanished, the client was told nothing
 * and the connection stayed open (Netty's "reached the tail of the pipeline" warning). Here it ends as the single
 * frame does.
 *
 * <p>Postconditions on a {@link TooLongFrameException}: a close frame with status 1009 ("message too big") is
 * written, the channel is closed after it, and {@code socketio.message_too_large} is logged (rate-limited per
 * address, without the client's bytes). Every other exception is passed on unchanged. Stateless; thread-safe.
 */
@ChannelHandler.Sharable
final class OversizedMessageGuard extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = Logger.getLogger(OversizedMessageGuard.class.getName());

    /** The frame limit in characters, for the log line; immutable. */
    private final int frameLimit;

    OversizedMessageGuard(int frameLimit) {
        this.frameLimit = frameLimit;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof TooLongFrameException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        SocketAddress remote = ctx.channel().remoteAddress();
        Log.warnLimited(LOG, "socketio.message_too_large", SocketIoTransport.host(remote), "remote",
                String.valueOf(remote), "frame_limit", frameLimit);
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}

package dev.weft.client.direct;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One QUIC stream as blocking streams, so {@link dev.weft.client.lan.secure.SecureChannel} runs over it unchanged:
 * bytes the event loop reads are queued for {@link #input()}; {@link #output()} writes on {@code flush()} and waits
 * until Netty took them. {@link #close()} closes the stream, its QUIC connection and the UDP socket under it.
 */
final class StreamIo extends ChannelInboundHandlerAdapter implements Closeable {
    private static final byte[] EOF = new byte[0];

    /** Received chunks, {@link #EOF} last; filled by the event loop, drained by the reader thread. */
    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    /** The stream channel; set once in {@link #handlerAdded}. */
    private volatile Channel stream;
    /** Closed along with the stream (the QUIC connection, the datagram channel); set before use. */
    private volatile Closeable underlying = () -> { };
    private volatile boolean closed;

    private final InputStream input = new InputStream() {
        private byte[] chunk = new byte[0];
        private int pos;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos == chunk.length) {
                if (chunk == EOF) {
                    return -1;
                }
                try {
                    byte[] next = received.poll(1, TimeUnit.SECONDS);
                    if (next == null) {
                        if (closed) {
                            throw new EOFException("direct stream closed");
                        }
                        continue;
                    }
                    chunk = next;
                    pos = 0;
                    if (next == EOF) {
                        return -1;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted reading the direct stream");
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }
    };

    private final OutputStream output = new OutputStream() {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() == 0) {
                return;
            }
            Channel c = stream;
            if (c == null || closed) {
                throw new IOException("direct stream closed");
            }
            ChannelFuture f = c.writeAndFlush(Unpooled.wrappedBuffer(pending.toByteArray()));
            pending.reset();
            if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS) || !f.isSuccess()) {
                close();
                throw new IOException("direct stream write failed: " + f.cause());
            }
        }
    };

    InputStream input() {
        return input;
    }

    OutputStream output() {
        return output;
    }

    void closeAlso(Closeable c) {
        this.underlying = c;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            try {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                if (b.length > 0) {
                    received.add(b);
                }
            } finally {
                buf.release();
            }
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        received.add(EOF);
        close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        received.add(EOF);
        Channel c = stream;
        if (c != null) {
            c.close();
        }
        try {
            underlying.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}

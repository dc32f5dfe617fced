package dev.weft.lsp.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A one-way in-memory byte pipe for an in-process LSP connection: what {@link #out()} writes, {@link #in()} reads,
 * in order, blocking while empty (reader) or full (writer).
 *
 * <p>Why not {@link java.io.PipedInputStream}: it remembers the last thread that wrote and, once that thread has
 * ended, a read on the empty pipe throws {@code IOException("Write end dead")}. In the scenario tests a user's
 * keystrokes are written by short-lived typing threads (one per round), so LSP4J's reader died between two rounds
 * at random and that editor never heard from its server again (a "did not converge within 20 s" that was the
 * harness, not the binding). This pipe only ends when {@link #out()} is closed.
 */
public final class InProcessPipe {
    /** The ring buffer; guarded by {@code this}. */
    private final byte[] buf;
    /** Index of the next byte to read; guarded by {@code this}. */
    private int head;
    /** Number of bytes buffered; guarded by {@code this}. */
    private int size;
    /** True once the writer closed: reads drain the buffer, then return -1. Guarded by {@code this}. */
    private boolean closed;

    public InProcessPipe(int capacity) {
        buf = new byte[capacity];
    }

    /** The reading end. */
    public InputStream in() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                synchronized (InProcessPipe.this) {
                    while (size == 0) {
                        if (closed) {
                            return -1;
                        }
                        await();
                    }
                    int n = Math.min(len, size);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = buf[(head + i) % buf.length];
                    }
                    head = (head + n) % buf.length;
                    size -= n;
                    InProcessPipe.this.notifyAll();
                    return n;
                }
            }

            @Override
            public int available() {
                synchronized (InProcessPipe.this) {
                    return size;
                }
            }
        };
    }

    /** The writing end; closing it ends the stream for the reader once drained. */
    public OutputStream out() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (InProcessPipe.this) {
                    int done = 0;
                    while (done < len) {
                        if (closed) {
                            throw new IOException("pipe closed");
                        }
                        if (size == buf.length) {
                            await();
                            continue;
                        }
                        int n = Math.min(len - done, buf.length - size);
                        for (int i = 0; i < n; i++) {
                            buf[(head + size + i) % buf.length] = b[off + done + i];
                        }
                        size += n;
                        done += n;
                        InProcessPipe.this.notifyAll();
                    }
                }
            }

            @Override
            public void close() {
                synchronized (InProcessPipe.this) {
                    closed = true;
                    InProcessPipe.this.notifyAll();
                }
            }
        };
    }

    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on an in-process pipe");
        }
    }
}

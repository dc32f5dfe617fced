package dev.weft.lsp.transport;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An input stream that passes an LSP base-protocol stream ({@code Content-Length: N\r\n\r\n} + N bytes, repeated)
 * through unchanged and fails fast when a frame announces more than {@link #maxContentBytes()} bytes or a header
 * line grows past {@link #MAX_HEADER_LINE_BYTES}: LSP4J's reader would allocate the announced size at once and
 * wait for it, so {@code Content-Length: 2000000000} from a broken or hostile client meant a 2 GB allocation and a
 * wait for ever. The failure is a {@link FrameTooLargeException} thrown from {@code read}, which ends LSP4J's
 * message loop; the server then exits with the message on stderr ({@code dev.weft.lsp.Main}).
 *
 * <p>Assumptions (the base protocol, LSP 3.17 "Base Protocol"): header lines end in {@code \r\n}, an empty line
 * ends the header, {@code Content-Length} is a decimal byte count. Other headers pass unchecked. Not thread-safe
 * (one reader).
 */
public final class LspFrameLimiter extends FilterInputStream {
    /** Longest accepted header line, in bytes. */
    public static final int MAX_HEADER_LINE_BYTES = 8 * 1024;
    /** Default bound for one message's content: far above any real edit (a 20 MB paste is ~20–40 MB of JSON). */
    public static final long DEFAULT_MAX_CONTENT_BYTES = 256L * 1024 * 1024;

    /** Bound on one frame's content. Immutable. */
    private final long maxContentBytes;
    /** The header line being read (bytes so far); reused. */
    private final byte[] line = new byte[MAX_HEADER_LINE_BYTES + 2];
    private int lineLength;
    /** Content-Length of the current header, or -1 if none yet. */
    private long contentLength = -1;
    /** Content bytes still to pass through; 0 while reading a header. */
    private long remaining;
    /** The refusal thrown, if any (LSP4J logs and swallows it; the server's main loop asks here). */
    private volatile FrameTooLargeException failure;

    public LspFrameLimiter(InputStream in, long maxContentBytes) {
        super(in);
        if (maxContentBytes <= 0) {
            throw new IllegalArgumentException("maxContentBytes must be positive: " + maxContentBytes);
        }
        this.maxContentBytes = maxContentBytes;
    }

    public long maxContentBytes() {
        return maxContentBytes;
    }

    /** The refusal that ended this stream, or null if none happened. */
    public FrameTooLargeException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        int c = in.read();
        if (c >= 0) {
            observe(c);
        }
        return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining > 0) {
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
        // In a header: one byte at a time, so that the content length is checked before any content passes.
        int c = read();
        if (c < 0) {
            return -1;
        }
        b[off] = (byte) c;
        return 1;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip is not supported on an LSP frame stream");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private void observe(int c) throws FrameTooLargeException {
        if (failure != null) {
            throw failure;
        }
        try {
            check(c);
        } catch (FrameTooLargeException e) {
            failure = e;
            throw e;
        }
    }

    private void check(int c) throws FrameTooLargeException {
        if (remaining > 0) {
            remaining--;
            return;
        }
        if (lineLength >= line.length) {
            throw new FrameTooLargeException("LSP header line longer than " + MAX_HEADER_LINE_BYTES
                    + " bytes: not an LSP client, or a broken one");
        }
        line[lineLength++] = (byte) c;
        if (c != '\n') {
            return;
        }
        int end = lineLength - 1;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        String header = new String(line, 0, end, StandardCharsets.US_ASCII);
        lineLength = 0;
        if (header.isEmpty()) {
            remaining = Math.max(0, contentLength);
            contentLength = -1;
            return;
        }
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
            String value = header.substring(colon + 1).trim();
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new FrameTooLargeException("LSP header 'Content-Length: " + value + "' is not a byte count");
            }
            if (n < 0 || n > maxContentBytes) {
                throw new FrameTooLargeException("LSP message of Content-Length " + n + " bytes exceeds the limit of "
                        + maxContentBytes + " bytes (WEFT_LSP_MAX_MESSAGE_BYTES)");
            }
            contentLength = n;
        }
    }

    /** A frame header the server refuses to read further; the stream cannot be resynchronised after it. */
    public static final class FrameTooLargeException extends IOException {
        public FrameTooLargeException(String message) {
            super(message);
        }
    }
}

package dev.weft.relay.store;

import dev.weft.relay.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * The side file next to the database ({@code weft.db.commits}) recording how many commits the relay has completed,
 * and so acknowledged: one line, the count as 20 decimal digits. It lives outside the database and its WAL, so
 * losing the WAL's tail cannot take this record with it.
 *
 * <p>Written after each commit with one positional write and no fsync: it survives a crash of the relay (the page
 * cache holds it), not necessarily an OS crash; it may then lag the database, which is never mistaken for loss
 * (only a database behind the mark is). Writer thread only, except {@link #read()} at open.
 */
final class CommitMark implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CommitMark.class.getName());
    /** Bytes of the record: 20 digits and a newline. */
    private static final int LENGTH = 21;

    /** The side file; immutable. */
    private final Path file;
    /** Open channel on it; immutable. */
    private final FileChannel channel;
    /** Reused buffer for writes. */
    private final ByteBuffer buffer = ByteBuffer.allocate(LENGTH);

    private CommitMark(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens (creating if needed) the side file. */
    static CommitMark open(Path file) throws IOException {
        return new CommitMark(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    Path file() {
        return file;
    }

    /**
     * The recorded count; 0 when the file is new (nothing to compare with). An unreadable record (e.g. torn by an
     * OS crash) is logged and read as 0: it cannot prove a loss.
     */
    long read() throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // handled below
        }
        Log.warn(LOG, "storage.commit_mark_unreadable", "file", file.toString(), "content",
                text.length() > 40 ? text.substring(0, 40) + "…" : text);
        return 0;
    }

    /** Records {@code commits}. */
    void write(long commits) throws IOException {
        // Digits by hand: String.format (Formatter, locale lookup) was 6 % of the relay's CPU samples under load.
        buffer.clear();
        long rest = commits;
        for (int i = LENGTH - 2; i >= 0; i--) {
            buffer.put(i, (byte) ('0' + rest % 10));
            rest /= 10;
        }
        buffer.put(LENGTH - 1, (byte) '\n');
        buffer.limit(LENGTH);
        int at = 0;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
        if (channel.size() > LENGTH) {
            channel.truncate(LENGTH);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            Log.warn(LOG, "storage.commit_mark_close_failed", "file", file.toString(), "error", e.toString());
        }
    }
}

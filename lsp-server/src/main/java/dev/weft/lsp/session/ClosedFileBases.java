package dev.weft.lsp.session;

import dev.weft.client.text.MinimalDiff;
import dev.weft.client.workspace.TextMerge;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-file rooms ({@code weft.share} of single files): what the disk held when the editor closed a shared file,
 * so that reopening it after another program changed it (a {@code git checkout}, {@code sed -i}) takes that change
 * in as edits instead of putting the old shared text back. On reopen, the changes base → buffer (the editor opened
 * the disk's text) are merged three ways onto the replica ({@link TextMerge}: the remote edits made meanwhile
 * stay), then the buffer is bound as usual. A file closed without saving has the older text on disk, equal to its
 * base, so nothing is merged and the shared text (with the unsaved typing) is shown again. Thread-safe.
 */
final class ClosedFileBases {
    private static final Logger LOG = Logger.getLogger(ClosedFileBases.class.getName());

    /** Disk text at close, by room document. */
    private final Map<RoomDocument, String> bases = new ConcurrentHashMap<>();

    /** The editor closed {@code rd}'s buffer: remembers the disk's text (nothing if unreadable or not text). */
    void closed(RoomDocument rd) {
        String text = readText(rd);
        if (text == null) {
            bases.remove(rd);
        } else {
            bases.put(rd, text);
        }
    }

    /**
     * The editor opened {@code rd} again with {@code bufferText}: if that differs from the disk text at close, the
     * difference is published as local edits (merged with the replica's remote changes), before any binding runs
     * (same executor, queued first).
     */
    void reopened(RoomDocument rd, String bufferText) {
        String base = bases.remove(rd);
        if (base == null || base.equals(bufferText) || rd.shared.isReadOnly()) {
            return;
        }
        rd.shared.executor().execute(() -> {
            List<MinimalDiff.Edit> edits = TextMerge.merge(base, rd.replica.getText(), bufferText);
            for (MinimalDiff.Edit e : edits) {
                if (e.length() > 0) {
                    rd.shared.publish(rd.replica.delete(e.offset(), e.length()));
                }
                if (!e.text().isEmpty()) {
                    rd.shared.publish(rd.replica.insert(e.offset(), e.text()));
                }
            }
            LOG.info("'" + rd.name + "' changed on disk while closed: " + edits.size() + " edit(s) merged");
        });
    }

    private static String readText(RoomDocument rd) {
        if (rd.localPath == null || !Files.isRegularFile(rd.localPath)) {
            return null;
        }
        try {
            byte[] bytes = Files.readAllBytes(rd.localPath);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            LOG.log(Level.INFO, "could not read " + rd.localPath + " after close", e);
            return null;
        }
    }
}

package dev.weft.client.cli;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A sequential editing trace ({@code shared/traces/README.md}): the patches of every transaction, in order, and
 * the expected final text. Read with a streaming parser, so large traces do not need a DOM.
 *
 * @param patches     every patch of every txn, in order; immutable
 * @param endContent  the text applying all patches to {@code ""} must give
 */
public record SequentialTrace(List<Patch> patches, String endContent) {

    /**
     * One splice: at {@code pos} delete {@code delete} characters, then insert {@code insert}.
     *
     * @param pos    UTF-16 offset (code point offset in traces with characters above U+FFFF)
     * @param delete number of characters to delete, {@code >= 0}
     * @param insert text to insert, possibly empty
     */
    public record Patch(int pos, int delete, String insert) {
    }

    public SequentialTrace {
        patches = List.copyOf(patches);
    }

    /**
     * Reads a gzipped (by content, whatever the name) or plain JSON trace.
     *
     * @throws BadTraceException if the file is missing, not JSON, a concurrent trace, or has malformed patches
     */
    public static SequentialTrace read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            try (JsonReader json = new JsonReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                return parse(json, file);
            }
        } catch (NoSuchFileException e) {
            throw new BadTraceException("trace file " + file + " does not exist");
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new BadTraceException("trace file " + file + " is not a valid JSON trace: " + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static SequentialTrace parse(JsonReader json, Path file) throws IOException {
        List<Patch> patches = new ArrayList<>();
        String endContent = null;
        boolean sawTxns = false;
        json.beginObject();
        while (json.hasNext()) {
            String key = json.nextName();
            switch (key) {
                case "kind" -> {
                    String kind = json.nextString();
                    if (!kind.equals("sequential")) {
                        throw new BadTraceException("trace file " + file + " is a '" + kind
                                + "' trace; weft type replays sequential traces only");
                    }
                }
                case "endContent" -> endContent = json.nextString();
                case "txns" -> {
                    sawTxns = true;
                    json.beginArray();
                    while (json.hasNext()) {
                        readTxn(json, patches, file);
                    }
                    json.endArray();
                }
                default -> json.skipValue();
            }
        }
        json.endObject();
        if (json.peek() != JsonToken.END_DOCUMENT) {
            throw new BadTraceException("trace file " + file + " has data after the JSON object");
        }
        if (!sawTxns) {
            throw new BadTraceException("trace file " + file + " has no \"txns\" array");
        }
        return new SequentialTrace(patches, endContent);
    }

    private static void readTxn(JsonReader json, List<Patch> out, Path file) throws IOException {
        json.beginObject();
        while (json.hasNext()) {
            if (!json.nextName().equals("patches")) {
                json.skipValue();
                continue;
            }
            json.beginArray();
            while (json.hasNext()) {
                json.beginArray();
                long pos = json.nextLong();
                long del = json.nextLong();
                String ins = json.nextString();
                if (json.hasNext()) {
                    throw new BadTraceException("trace file " + file + ": patch " + out.size()
                            + " has more than 3 elements");
                }
                json.endArray();
                if (pos < 0 || del < 0 || pos > Integer.MAX_VALUE || del > Integer.MAX_VALUE) {
                    throw new BadTraceException("trace file " + file + ": patch " + out.size()
                            + " has a negative or huge position/length");
                }
                out.add(new Patch((int) pos, (int) del, ins));
            }
            json.endArray();
        }
        json.endObject();
    }
}

package dev.weft.bench.trace;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import dev.weft.bench.trace.TraceFormatException.Problem;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
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
 * Reads an editing trace (gzip-compressed JSON, format of {@code shared/traces/README.md}) into a {@link Trace}
 * whose positions are UTF-16 offsets.
 *
 * <p>Streams the JSON with Gson's {@link JsonReader} (no tree is built, so the 30 MB egwalker trace reads in
 * about a second). Unknown fields are skipped. Sequential traces have their code-point positions converted to
 * UTF-16 offsets and every patch range checked; concurrent traces are taken as they are (their positions depend
 * on the branch) and refused if they insert characters above U+FFFF.
 *
 * <pre>{@code
 * Trace t = TraceReader.read(Path.of("automerge-paper.json.gz"));
 * t.kind();          // SEQUENTIAL
 * t.patchCount();    // 259778
 * }</pre>
 */
public final class TraceReader {

    private TraceReader() {
    }

    /**
     * Reads the trace in {@code file}.
     *
     * @throws TraceFormatException naming the file and the problem: unreadable, not gzip, not JSON, not a trace
     */
    public static Trace read(Path file) throws TraceFormatException {
        if (Files.isDirectory(file)) {
            throw new TraceFormatException(Problem.IO, file + ": is a directory, not a trace file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, nameOf(file));
        } catch (NoSuchFileException e) {
            throw new TraceFormatException(Problem.IO, file + ": no such file", e);
        } catch (TraceFormatException e) {
            throw new TraceFormatException(e.problem(), file + ": " + e.getMessage(), e.getCause());
        } catch (IOException e) {
            throw new TraceFormatException(Problem.IO, file + ": cannot read: " + e, e);
        }
    }

    /**
     * Reads a trace from a gzip stream; {@code name} is used in reports. Does not close {@code in}.
     *
     * @throws TraceFormatException naming the problem (without a file name)
     */
    public static Trace read(InputStream in, String name) throws TraceFormatException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        GZIPInputStream gzip;
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            if (b0 != 0x1f || b1 != 0x8b) {
                throw new TraceFormatException(Problem.NOT_GZIP, String.format(
                        "not gzip-compressed (starts with %s; a trace file is gzipped JSON starting with 1f 8b)",
                        describeMagic(b0, b1)));
            }
            gzip = new GZIPInputStream(buffered, 1 << 16);
        } catch (IOException e) {
            throw new TraceFormatException(Problem.NOT_GZIP, "not a valid gzip stream: " + e.getMessage(), e);
        }
        JsonReader json = new JsonReader(new InputStreamReader(new GzipGuard(gzip), StandardCharsets.UTF_8));
        json.setStrictness(Strictness.STRICT);
        try {
            RawTrace raw = new Parser(json).parseDocument();
            return raw.toTrace(name);
        } catch (GzipGuard.GzipBroken e) {
            throw new TraceFormatException(Problem.NOT_GZIP,
                    "corrupt or truncated gzip data: " + e.getCause().getMessage(), e.getCause());
        } catch (MalformedJsonException | EOFException e) {
            throw new TraceFormatException(Problem.NOT_JSON, "gzip content is not valid JSON ("
                    + jsonProblem(e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new TraceFormatException(Problem.IO, "cannot read: " + e, e);
        }
    }

    /** The file name without {@code .json.gz}, {@code .gz} or {@code .json}. */
    public static String nameOf(Path file) {
        String n = file.getFileName().toString();
        for (String suffix : new String[] {".json.gz", ".gz", ".json"}) {
            if (n.endsWith(suffix)) {
                return n.substring(0, n.length() - suffix.length());
            }
        }
        return n;
    }

    /** Gson's message reduced to one line naming where the syntax broke. */
    private static String jsonProblem(String message) {
        String m = message == null ? "syntax error" : message.lines().findFirst().orElse("syntax error");
        int at = m.indexOf(" at line ");
        if (m.startsWith("Use JsonReader.setStrictness") && at >= 0) {
            return "syntax error" + m.substring(at);
        }
        return m;
    }

    private static String describeMagic(int b0, int b1) {
        if (b0 < 0) {
            return "nothing: the file is empty";
        }
        return b1 < 0 ? String.format("byte %02x", b0) : String.format("bytes %02x %02x", b0, b1);
    }

    /** Tags I/O failures of the decompressor so they are reported as gzip problems, not JSON problems. */
    private static final class GzipGuard extends FilterInputStream {
        GzipGuard(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new GzipBroken(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new GzipBroken(e);
            }
        }

        static final class GzipBroken extends IOException {
            GzipBroken(IOException cause) {
                super(cause);
            }
        }
    }

    /** A txn as written in the file, positions still in code points. */
    private record RawTxn(int[] parents, int agent, List<RawPatch> patches) {
    }

    /** A patch as written in the file. */
    private record RawPatch(long pos, long delete, String insert) {
    }

    /** The fields of the top-level object, in whatever order they came. */
    private static final class RawTrace {
        String kind;
        String startContent = "";
        String endContent;
        int numAgents = -1;
        List<RawTxn> txns;

        Trace toTrace(String name) throws TraceFormatException {
            if (txns == null) {
                throw notATrace("$", "no \"txns\" array (an editing trace has \"txns\" and \"endContent\")");
            }
            if (endContent == null) {
                throw notATrace("$", "no \"endContent\" string");
            }
            if (!startContent.isEmpty()) {
                throw new TraceFormatException(Problem.UNSUPPORTED, "non-empty startContent is not supported");
            }
            boolean concurrent = "concurrent".equals(kind);
            if (kind != null && !concurrent) {
                throw notATrace("$.kind", "unknown kind \"" + kind + "\" (expected \"concurrent\" or absent)");
            }
            return concurrent ? concurrentTrace(name) : sequentialTrace(name);
        }

        private Trace sequentialTrace(String name) throws TraceFormatException {
            CodePointConverter converter = new CodePointConverter();
            List<Txn> out = new ArrayList<>(txns.size());
            for (int i = 0; i < txns.size(); i++) {
                RawTxn raw = txns.get(i);
                List<Patch> patches = new ArrayList<>(raw.patches().size());
                for (int j = 0; j < raw.patches().size(); j++) {
                    RawPatch p = raw.patches().get(j);
                    try {
                        patches.add(converter.convert(p.pos(), p.delete(), p.insert()));
                    } catch (IllegalArgumentException e) {
                        throw notATrace("$.txns[" + i + "].patches[" + j + "]", e.getMessage());
                    }
                }
                out.add(new Txn(i == 0 ? new int[0] : new int[] {i - 1}, 0, patches));
            }
            return new Trace(name, Trace.Kind.SEQUENTIAL, startContent, endContent, 1, out);
        }

        private Trace concurrentTrace(String name) throws TraceFormatException {
            int maxAgent = -1;
            List<Txn> out = new ArrayList<>(txns.size());
            for (int i = 0; i < txns.size(); i++) {
                RawTxn raw = txns.get(i);
                String at = "$.txns[" + i + "]";
                if (raw.parents() == null || raw.agent() < 0) {
                    throw notATrace(at, "a concurrent txn needs \"parents\" and a non-negative \"agent\"");
                }
                for (int p : raw.parents()) {
                    if (p < 0 || p >= i) {
                        throw notATrace(at + ".parents", "parent " + p + " is not an earlier txn");
                    }
                }
                if (numAgents >= 0 && raw.agent() >= numAgents) {
                    throw notATrace(at + ".agent", "agent " + raw.agent() + " >= numAgents " + numAgents);
                }
                maxAgent = Math.max(maxAgent, raw.agent());
                List<Patch> patches = new ArrayList<>(raw.patches().size());
                for (int j = 0; j < raw.patches().size(); j++) {
                    RawPatch p = raw.patches().get(j);
                    if (p.pos() < 0 || p.delete() < 0 || p.pos() + p.delete() > Integer.MAX_VALUE) {
                        throw notATrace(at + ".patches[" + j + "]", "position or delete count out of range");
                    }
                    if (p.insert().codePointCount(0, p.insert().length()) != p.insert().length()) {
                        throw new TraceFormatException(Problem.UNSUPPORTED, at + ".patches[" + j + "]: characters "
                                + "above U+FFFF in a concurrent trace (code-point positions cannot be converted "
                                + "without replaying each branch)");
                    }
                    patches.add(new Patch((int) p.pos(), (int) p.delete(), p.insert()));
                }
                out.add(new Txn(raw.parents(), raw.agent(), patches));
            }
            int agents = numAgents >= 0 ? numAgents : maxAgent + 1;
            return new Trace(name, Trace.Kind.CONCURRENT, startContent, endContent, agents, out);
        }
    }

    private static TraceFormatException notATrace(String path, String what) {
        return new TraceFormatException(Problem.NOT_A_TRACE, "not an editing trace: at " + path + ": " + what);
    }

    /** Recursive-descent reader over the token stream; every type check names the JSON path. */
    private static final class Parser {
        private final JsonReader json;

        Parser(JsonReader json) {
            this.json = json;
        }

        RawTrace parseDocument() throws IOException, TraceFormatException {
            expect(JsonToken.BEGIN_OBJECT, "the top-level value (an editing trace is a JSON object)");
            RawTrace t = new RawTrace();
            json.beginObject();
            while (json.hasNext()) {
                switch (json.nextName()) {
                    case "kind" -> t.kind = string("\"kind\"");
                    case "startContent" -> t.startContent = string("\"startContent\"");
                    case "endContent" -> t.endContent = string("\"endContent\"");
                    case "numAgents" -> t.numAgents = nonNegativeInt("\"numAgents\"");
                    case "txns" -> t.txns = txns();
                    default -> json.skipValue();
                }
            }
            json.endObject();
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedJsonException("trailing data after the top-level value at " + json.getPath());
            }
            return t;
        }

        private List<RawTxn> txns() throws IOException, TraceFormatException {
            expect(JsonToken.BEGIN_ARRAY, "\"txns\"");
            List<RawTxn> txns = new ArrayList<>();
            json.beginArray();
            while (json.hasNext()) {
                txns.add(txn());
            }
            json.endArray();
            return txns;
        }

        private RawTxn txn() throws IOException, TraceFormatException {
            expect(JsonToken.BEGIN_OBJECT, "a txn");
            int[] parents = null;
            int agent = -1;
            List<RawPatch> patches = null;
            json.beginObject();
            while (json.hasNext()) {
                switch (json.nextName()) {
                    case "parents" -> parents = intArray("\"parents\"");
                    case "agent" -> agent = nonNegativeInt("\"agent\"");
                    case "patches" -> patches = patches();
                    default -> json.skipValue();
                }
            }
            json.endObject();
            if (patches == null) {
                throw notATrace(json.getPath(), "txn without a \"patches\" array");
            }
            return new RawTxn(parents, agent, patches);
        }

        private List<RawPatch> patches() throws IOException, TraceFormatException {
            expect(JsonToken.BEGIN_ARRAY, "\"patches\"");
            List<RawPatch> patches = new ArrayList<>();
            json.beginArray();
            while (json.hasNext()) {
                expect(JsonToken.BEGIN_ARRAY, "a patch ([pos, delCount, \"text\"])");
                json.beginArray();
                long pos = nonNegativeLong("a patch position");
                long del = nonNegativeLong("a patch delete count");
                String ins = string("a patch's inserted text");
                if (json.hasNext()) {
                    throw notATrace(json.getPath(), "a patch has more than 3 elements");
                }
                json.endArray();
                patches.add(new RawPatch(pos, del, ins));
            }
            json.endArray();
            return patches;
        }

        private int[] intArray(String what) throws IOException, TraceFormatException {
            expect(JsonToken.BEGIN_ARRAY, what);
            int[] values = new int[4];
            int n = 0;
            json.beginArray();
            while (json.hasNext()) {
                if (n == values.length) {
                    values = java.util.Arrays.copyOf(values, n * 2);
                }
                values[n++] = nonNegativeInt("an element of " + what);
            }
            json.endArray();
            return java.util.Arrays.copyOf(values, n);
        }

        private String string(String what) throws IOException, TraceFormatException {
            expect(JsonToken.STRING, what);
            return json.nextString();
        }

        private int nonNegativeInt(String what) throws IOException, TraceFormatException {
            long v = nonNegativeLong(what);
            if (v > Integer.MAX_VALUE) {
                throw notATrace(json.getPath(), what + " is too large: " + v);
            }
            return (int) v;
        }

        private long nonNegativeLong(String what) throws IOException, TraceFormatException {
            expect(JsonToken.NUMBER, what);
            String path = json.getPath();
            long v;
            try {
                v = json.nextLong();
            } catch (NumberFormatException e) {
                throw notATrace(path, what + " is not an integer");
            }
            if (v < 0) {
                throw notATrace(path, what + " is negative: " + v);
            }
            return v;
        }

        private void expect(JsonToken token, String what) throws IOException, TraceFormatException {
            JsonToken actual = json.peek();
            if (actual != token) {
                throw notATrace(json.getPath(), what + " should be " + describe(token) + " but is " + describe(actual));
            }
        }

        private static String describe(JsonToken t) {
            return switch (t) {
                case BEGIN_OBJECT -> "an object";
                case BEGIN_ARRAY -> "an array";
                case STRING -> "a string";
                case NUMBER -> "a number";
                case BOOLEAN -> "a boolean";
                case NULL -> "null";
                case END_DOCUMENT -> "missing (end of input)";
                default -> t.toString();
            };
        }
    }
}

package dev.weft.lsp.cursors;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.weft.client.presence.DefaultColors;
import dev.weft.crdt.Assoc;
import dev.weft.crdt.RelativePosition;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.LineIndex;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import dev.weft.lsp.session.Room;
import dev.weft.lsp.session.RoomDocument;
import dev.weft.lsp.session.SessionManager;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Remote cursors: the user's selections → relative positions → awareness; other members' awareness → ranges in
 * the editor's encoding, sent as {@code weft/remoteCursors} and, for editors without a Weft plugin, as inlay
 * hints ({@code ‹name›}) and hint-level diagnostics.
 *
 * <p>Awareness state (UTF-8 JSON in {@code Awareness.state}): {@code {"name", "color", "uri": <room document
 * name>, "selections": [{"anchor": b64, "active": b64}]}} where b64 is base64 of {@link RelativePosition#encode()}.
 */
public final class CursorService {
    private static final Logger LOG = Logger.getLogger(CursorService.class.getName());

    private final SessionManager session;
    private final Gson gson = new Gson();
    /** Inlay hints per editor URI (latest computed). */
    private final Map<String, List<InlayHint>> hints = new ConcurrentHashMap<>();

    public CursorService(SessionManager session) {
        this.session = session;
    }

    /** A stable colour for a user name when none is configured: the rule VS Code uses too ({@link DefaultColors}). */
    public static String colorFor(String name) {
        return DefaultColors.forName(name);
    }

    /** Handles {@code weft/selection}. */
    public void onSelection(WeftProtocol.SelectionParams p) {
        Room r = session.room();
        if (r == null || p == null || p.uri == null) {
            return;
        }
        RoomDocument rd = session.roomDocumentOf(p.uri);
        if (rd == null) {
            return;
        }
        String user = r.client.userName();
        String color = r.client.color();
        // Clear our presence in the other documents: the user is here now.
        for (RoomDocument other : r.docs.values()) {
            if (other != rd) {
                other.shared.executor().execute(() -> {
                    if (!other.localAwareness.isEmpty()) {
                        other.localAwareness = "";
                        other.shared.setLocalAwareness("");
                    }
                });
            }
        }
        rd.shared.executor().execute(() -> {
            DocumentBinding b = rd.binding;
            if (b == null || p.version != b.viewVersion()) {
                return; // stale: the client sends a fresh one with its next change
            }
            LineIndex li = b.viewLines();
            JsonArray sels = new JsonArray();
            for (WeftProtocol.Selection s : p.selections) {
                if (s == null || s.anchor == null || s.active == null) {
                    continue;
                }
                JsonObject o = new JsonObject();
                o.addProperty("anchor", encode(b, li.offsetOf(s.anchor, b.encoding())));
                o.addProperty("active", encode(b, li.offsetOf(s.active, b.encoding())));
                sels.add(o);
            }
            JsonObject state = new JsonObject();
            state.addProperty("name", user);
            state.addProperty("color", color);
            state.addProperty("uri", rd.name);
            state.add("selections", sels);
            String json = gson.toJson(state);
            if (!json.equals(rd.localAwareness)) {
                rd.localAwareness = json;
                rd.shared.setLocalAwareness(json);
            }
        });
    }

    /**
     * Announces our presence (name, colour, no selection yet) in a document the editor just bound, so other
     * participants list us even before the editor reports a selection (plain clients never do).
     */
    public void announce(RoomDocument rd) {
        String user = session.room() == null ? "weft" : session.room().client.userName();
        String color = session.room() == null ? colorFor(user) : session.room().client.color();
        rd.shared.executor().execute(() -> {
            if (!rd.localAwareness.isEmpty()) {
                return;
            }
            JsonObject state = new JsonObject();
            state.addProperty("name", user);
            state.addProperty("color", color);
            state.addProperty("uri", rd.name);
            state.add("selections", new JsonArray());
            rd.localAwareness = gson.toJson(state);
            rd.shared.setLocalAwareness(rd.localAwareness);
        });
    }

    private static String encode(DocumentBinding b, int viewOffset) {
        int replicaOffset = b.alignment().viewToReplica(viewOffset);
        RelativePosition rp = b.replica().relativePosition(replicaOffset, Assoc.AFTER);
        return Base64.getEncoder().encodeToString(rp.encode());
    }

    /** Another member's awareness changed (on the document's executor). */
    public void onAwareness(RoomDocument rd, long clientId, String state) {
        if (state == null || state.isEmpty()) {
            rd.remote.remove(clientId);
        } else {
            try {
                JsonObject o = JsonParser.parseString(state).getAsJsonObject();
                List<String[]> sels = new ArrayList<>();
                JsonElement se = o.get("selections");
                if (se != null && se.isJsonArray()) {
                    for (JsonElement e : se.getAsJsonArray()) {
                        JsonObject so = e.getAsJsonObject();
                        sels.add(new String[]{so.get("anchor").getAsString(), so.get("active").getAsString()});
                    }
                }
                rd.remote.put(clientId, new RoomDocument.RemoteState(clientId, str(o, "name", "anonymous"),
                        str(o, "color", colorFor(String.valueOf(clientId))), sels));
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "ignoring malformed awareness from " + clientId, e);
                return;
            }
        }
        publish(rd);
        session.statusChanged();
    }

    private static String str(JsonObject o, String k, String dflt) {
        JsonElement e = o.get(k);
        return e == null || e.isJsonNull() ? dflt : e.getAsString();
    }

    /** Recomputes and sends the remote cursors of a document (on its executor); no-op if unchanged. */
    public void publish(RoomDocument rd) {
        DocumentBinding b = rd.binding;
        WeftLanguageClient c = session.client();
        if (b == null || c == null) {
            return;
        }
        if (rd.remote.isEmpty() && rd.lastCursorsJson.isEmpty()) {
            return;
        }
        WeftProtocol.RemoteCursors out = new WeftProtocol.RemoteCursors();
        out.uri = b.uri();
        List<InlayHint> inlays = new ArrayList<>();
        List<Diagnostic> diags = new ArrayList<>();
        LineIndex li = b.viewLines();
        for (RoomDocument.RemoteState s : rd.remote.values()) {
            if (s.selections().isEmpty()) {
                continue; // present (a participant) but no cursor to show
            }
            WeftProtocol.RemoteCursor rc = new WeftProtocol.RemoteCursor();
            rc.clientId = Long.toString(s.clientId());
            rc.name = s.name();
            rc.color = s.color();
            for (String[] sel : s.selections()) {
                int a = resolve(b, sel[0]);
                int v = resolve(b, sel[1]);
                if (a < 0 || v < 0) {
                    continue;
                }
                Position pa = li.positionOf(a, b.encoding());
                Position pv = li.positionOf(v, b.encoding());
                rc.selections.add(new WeftProtocol.Selection(pa, pv));
                InlayHint h = new InlayHint(pv, Either.forLeft("‹" + s.name() + "›"));
                h.setKind(InlayHintKind.Type);
                h.setPaddingLeft(false);
                inlays.add(h);
                int lo = Math.min(a, v);
                int hi = Math.max(a, v);
                if (lo == hi) {
                    hi = Math.min(b.view().length(), lo + 1);
                }
                Diagnostic d = new Diagnostic(new Range(li.positionOf(lo, b.encoding()),
                        li.positionOf(hi, b.encoding())), s.name() + " is here", DiagnosticSeverity.Hint, "weft");
                diags.add(d);
            }
            out.cursors.add(rc);
        }
        String json = gson.toJson(out);
        if (json.equals(rd.lastCursorsJson)) {
            return;
        }
        rd.lastCursorsJson = out.cursors.isEmpty() ? "" : json;
        hints.put(b.uri(), inlays);
        c.weftRemoteCursors(out);
        c.publishDiagnostics(new PublishDiagnosticsParams(b.uri(), diags));
        if (session.supportsInlayRefresh()) {
            c.refreshInlayHints();
        }
    }

    private static int resolve(DocumentBinding b, String b64) {
        try {
            RelativePosition rp = RelativePosition.decode(Base64.getDecoder().decode(b64));
            int r = b.replica().resolve(rp);
            if (r < 0) {
                return -1;
            }
            return b.alignment().replicaToView(Math.min(r, b.replica().length()));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Inlay hints ({@code ‹name›} at each remote cursor) for {@code textDocument/inlayHint}. */
    public List<InlayHint> inlayHints(String uri, Range range) {
        List<InlayHint> all = hints.getOrDefault(uri, List.of());
        List<InlayHint> out = new ArrayList<>();
        for (InlayHint h : all) {
            Position p = h.getPosition();
            if (range == null || (cmp(p, range.getStart()) >= 0 && cmp(p, range.getEnd()) <= 0)) {
                out.add(h);
            }
        }
        return out;
    }

    private static int cmp(Position a, Position b) {
        return a.getLine() != b.getLine() ? Integer.compare(a.getLine(), b.getLine())
                : Integer.compare(a.getCharacter(), b.getCharacter());
    }

    /** Removes every remote cursor shown for {@code uri} (leave). */
    public void clear(String uri) {
        hints.remove(uri);
        WeftLanguageClient c = session.client();
        if (c != null) {
            WeftProtocol.RemoteCursors out = new WeftProtocol.RemoteCursors();
            out.uri = uri;
            c.weftRemoteCursors(out);
            c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
        }
    }

    /** Participants of the room: every member seen in any document's awareness. */
    public List<WeftProtocol.Participant> participants(Room r) {
        Map<Long, WeftProtocol.Participant> out = new LinkedHashMap<>();
        for (RoomDocument rd : r.docs.values()) {
            for (RoomDocument.RemoteState s : List.copyOf(rd.remote.values())) {
                WeftProtocol.Participant p = new WeftProtocol.Participant();
                p.clientId = Long.toString(s.clientId());
                p.name = s.name();
                p.color = s.color();
                p.uri = rd.localPath == null ? null : rd.localPath.toUri().toString();
                out.put(s.clientId(), p);
            }
        }
        return new ArrayList<>(out.values());
    }
}

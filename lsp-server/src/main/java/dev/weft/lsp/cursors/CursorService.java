package dev.weft.lsp.cursors;

import com.google.gson.Gson;
import dev.weft.client.presence.DefaultColors;
import dev.weft.client.presence.PresenceState;
import dev.weft.crdt.model.Assoc;
import dev.weft.crdt.model.RelativePosition;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.binding.LineIndex;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.InlayHint;
import org.eclipse.lsp4j.InlayHintKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.jsonrpc.messages.Either;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remote cursors: the user's selections → relative positions → awareness; other members' awareness → ranges in
 * the editor's encoding, sent as {@code weft/remoteCursors} and, for editors without a Weft plugin, as inlay
 * hints ({@code ‹name›}) and hint-level diagnostics.
 *
 * <p>Awareness state: {@link PresenceState} (b64 is base64 of {@link RelativePosition#encode()}); presence itself
 * (other members' states, ours) lives in each document's {@code SharedDocument.presence()}. The session is seen
 * only through {@link CursorHost}.
 *
 * <p>Quiet on the wire: {@code weft/remoteCursors}, the hint diagnostics and {@code workspace/inlayHint/refresh}
 * are sent only when what the editor shows changes (a member present without a cursor shows nothing, so typing
 * then sends nothing).
 */
public final class CursorService {

    private final CursorHost host;
    private final Gson gson = new Gson();
    /** Inlay hints per editor URI (latest computed). */
    private final Map<String, List<InlayHint>> hints = new ConcurrentHashMap<>();
    /**
     * Per document, the {@code weft/remoteCursors} payload the editor shows ({@code ""} = nothing shown); written
     * on the document's executor.
     */
    private final Map<CursorDocument, String> shown = new ConcurrentHashMap<>();
    /**
     * The editor has sent {@code weft/selection} at least once (it has a Weft plugin). Until then the user's caret
     * is inferred from their typing and from position-carrying requests (plain LSP clients). Only goes false → true.
     */
    private volatile boolean explicitSelections;

    public CursorService(CursorHost host) {
        this.host = host;
    }

    /** A stable colour for a user name when none is configured: the rule VS Code uses too ({@link DefaultColors}). */
    public static String colorFor(String name) {
        return DefaultColors.forName(name);
    }

    /** Handles {@code weft/selection}. */
    public void onSelection(WeftProtocol.SelectionParams p) {
        if (p == null || p.uri == null) {
            return;
        }
        explicitSelections = true;
        CursorDocument rd = host.documentOf(p.uri);
        if (rd == null) {
            return;
        }
        String user = host.userName();
        String color = host.color();
        String email = host.email();
        leaveOtherDocuments(rd);
        rd.shared().executor().execute(() -> {
            DocumentBinding b = rd.binding();
            if (b == null || p.version != b.viewVersion()) {
                return; // stale: the client sends a fresh one with its next change
            }
            LineIndex li = b.viewLines();
            List<PresenceState.Selection> sels = new ArrayList<>();
            for (WeftProtocol.Selection s : p.selections) {
                if (s == null || s.anchor == null || s.active == null) {
                    continue;
                }
                sels.add(new PresenceState.Selection(encode(b, li.offsetOf(s.anchor, b.encoding())),
                        encode(b, li.offsetOf(s.active, b.encoding()))));
            }
            String json = new PresenceState(user, color, rd.name(), sels, email).toJson();
            if (!json.equals(rd.shared().presence().local())) {
                rd.shared().setLocalAwareness(json);
            }
        });
    }

    /** Clears our presence in the documents other than {@code rd}: the user is in {@code rd} now. */
    private void leaveOtherDocuments(CursorDocument rd) {
        for (CursorDocument other : host.documents()) {
            if (other != rd) {
                other.shared().executor().execute(() -> {
                    if (!other.shared().presence().local().isEmpty()) {
                        other.shared().setLocalAwareness("");
                    }
                });
            }
        }
    }

    /** True once the editor sent a {@code weft/selection}: it has a Weft plugin, carets are never inferred. */
    public boolean hasExplicitSelections() {
        return explicitSelections;
    }

    /**
     * Where a plain client's caret probably is, from its own typing: the view offset right after the user's last
     * change in {@code rd} (called on the document's executor by the binding). Ignored once the editor reports
     * selections itself.
     */
    public void onTyping(CursorDocument rd, DocumentBinding b, int viewOffset) {
        if (explicitSelections || rd.binding() != b) {
            return;
        }
        leaveOtherDocuments(rd);
        setInferredCaret(rd, b, viewOffset);
    }

    /**
     * Where a plain client's caret probably is, from a request that carries the caret position
     * ({@code textDocument/documentHighlight}, {@code textDocument/hover}); ignored once the editor reports
     * selections itself, or for a document that is not shared.
     */
    public void onPositionRequest(String uri, Position position) {
        if (explicitSelections || uri == null || position == null) {
            return;
        }
        CursorDocument rd = host.documentOf(uri);
        if (rd == null) {
            return;
        }
        leaveOtherDocuments(rd);
        rd.shared().executor().execute(() -> {
            DocumentBinding b = rd.binding();
            if (b != null && !explicitSelections) {
                setInferredCaret(rd, b, b.viewLines().offsetOf(position, b.encoding()));
            }
        });
    }

    /** Sets our awareness in {@code rd} to one caret at {@code viewOffset} (on the document's executor). */
    private void setInferredCaret(CursorDocument rd, DocumentBinding b, int viewOffset) {
        int at = Math.max(0, Math.min(viewOffset, b.view().length()));
        String pos = encode(b, at);
        String json = new PresenceState(host.userName(), host.color(), rd.name(),
                List.of(new PresenceState.Selection(pos, pos)), host.email()).toJson();
        if (!json.equals(rd.shared().presence().local())) {
            rd.shared().setLocalAwareness(json);
        }
    }

    /**
     * Announces our presence (name, colour, no selection yet) in a document the editor just bound, so other
     * participants list us even before the editor reports a selection (plain clients never do).
     */
    public void announce(CursorDocument rd) {
        String user = host.userName();
        String color = host.color();
        String email = host.email();
        rd.shared().executor().execute(() -> {
            if (!rd.shared().presence().local().isEmpty()) {
                return;
            }
            rd.shared().setLocalAwareness(new PresenceState(user, color, rd.name(), List.of(), email).toJson());
        });
    }

    private static String encode(DocumentBinding b, int viewOffset) {
        int replicaOffset = b.alignment().viewToReplica(viewOffset);
        RelativePosition rp = b.replica().relativePosition(replicaOffset, Assoc.AFTER);
        return Base64.getEncoder().encodeToString(rp.encode());
    }

    /** Another member's awareness in {@code rd} changed (on the document's executor). */
    public void onAwareness(CursorDocument rd) {
        publish(rd);
        host.participantsChanged();
    }

    /** Recomputes and sends the remote cursors of a document (on its executor); no-op if unchanged. */
    public void publish(CursorDocument rd) {
        DocumentBinding b = rd.binding();
        WeftLanguageClient c = host.client();
        if (b == null || c == null) {
            return;
        }
        WeftProtocol.RemoteCursors out = new WeftProtocol.RemoteCursors();
        out.uri = b.uri();
        // A plugin that draws the cursors itself gets no inlay hints and no hint diagnostics: none are built.
        boolean editorHints = !host.drawsCursors();
        List<InlayHint> inlays = new ArrayList<>();
        List<Diagnostic> diags = new ArrayList<>();
        LineIndex li = b.viewLines();
        for (Map.Entry<Long, PresenceState> e : rd.shared().presence().states().entrySet()) {
            PresenceState s = e.getValue();
            if (s.selections().isEmpty()) {
                continue; // present (a participant) but no cursor to show
            }
            WeftProtocol.RemoteCursor rc = new WeftProtocol.RemoteCursor();
            rc.clientId = Long.toString(e.getKey());
            rc.name = s.name();
            rc.color = colorOf(e.getKey(), s);
            for (PresenceState.Selection sel : s.selections()) {
                int a = resolve(b, sel.anchor());
                int v = resolve(b, sel.active());
                if (a < 0 || v < 0) {
                    continue;
                }
                Position pa = li.positionOf(a, b.encoding());
                Position pv = li.positionOf(v, b.encoding());
                rc.selections.add(new WeftProtocol.Selection(pa, pv));
                if (editorHints) {
                    inlays.add(nameHint(pv, s.name()));
                    diags.add(hereDiagnostic(b, li, a, v, s.name()));
                }
            }
            out.cursors.add(rc);
        }
        String json = out.cursors.isEmpty() ? "" : gson.toJson(out);
        if (json.equals(shown.getOrDefault(rd, ""))) {
            return; // the editor shows exactly this already (nothing, when nobody has a cursor)
        }
        shown.put(rd, json);
        c.weftRemoteCursors(out);
        if (!editorHints) {
            return;
        }
        hints.put(b.uri(), inlays);
        c.publishDiagnostics(new PublishDiagnosticsParams(b.uri(), diags));
        if (host.supportsInlayRefresh()) {
            c.refreshInlayHints();
        }
    }

    /** The inlay hint {@code ‹name›} at a remote cursor's active end {@code at}. */
    private static InlayHint nameHint(Position at, String name) {
        InlayHint h = new InlayHint(at, Either.forLeft("‹" + name + "›"));
        h.setKind(InlayHintKind.Type);
        h.setPaddingLeft(false);
        return h;
    }

    /**
     * A hint-level diagnostic "{@code name} is here" over the selection between view offsets {@code a} and {@code v},
     * or over the character after it when it is empty (a bare cursor).
     */
    private static Diagnostic hereDiagnostic(DocumentBinding b, LineIndex li, int a, int v, String name) {
        int lo = Math.min(a, v);
        int hi = Math.max(a, v);
        if (lo == hi) {
            hi = Math.min(b.view().length(), lo + 1);
        }
        return new Diagnostic(new Range(li.positionOf(lo, b.encoding()), li.positionOf(hi, b.encoding())),
                name + " is here", DiagnosticSeverity.Hint, "weft");
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

    /** Removes every remote cursor shown for {@code rd} at {@code uri} (leave). */
    public void clear(CursorDocument rd, String uri) {
        hints.remove(uri);
        shown.remove(rd);
        WeftLanguageClient c = host.client();
        if (c != null) {
            WeftProtocol.RemoteCursors out = new WeftProtocol.RemoteCursors();
            out.uri = uri;
            c.weftRemoteCursors(out);
            if (!host.drawsCursors()) {
                c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
            }
        }
    }

    /** Participants of the room: every member seen in any document's presence. */
    public List<WeftProtocol.Participant> participants() {
        Map<Long, WeftProtocol.Participant> out = new LinkedHashMap<>();
        for (CursorDocument rd : host.documents()) {
            Path local = rd.localPath();
            for (Map.Entry<Long, PresenceState> e : rd.shared().presence().states().entrySet()) {
                WeftProtocol.Participant p = new WeftProtocol.Participant();
                p.clientId = Long.toString(e.getKey());
                p.name = e.getValue().name();
                p.color = colorOf(e.getKey(), e.getValue());
                p.email = e.getValue().email().isEmpty() ? null : e.getValue().email();
                p.uri = local == null ? null : local.toUri().toString();
                out.put(e.getKey(), p);
            }
        }
        return new ArrayList<>(out.values());
    }

    /** A member's colour: the one it announced, else a stable one from its client id. */
    private static String colorOf(long clientId, PresenceState s) {
        return s.color().isEmpty() ? colorFor(String.valueOf(clientId)) : s.color();
    }
}

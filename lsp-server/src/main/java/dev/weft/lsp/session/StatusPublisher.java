package dev.weft.lsp.session;

import com.google.gson.Gson;
import dev.weft.lsp.binding.DocumentBinding;
import dev.weft.lsp.customservice.WeftLanguageClient;
import dev.weft.lsp.customservice.WeftProtocol;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code weft.status} and the {@code weft/status} notification: computes the status from the room, and sends it
 * to the editor only when it differs from the last one sent — soon after {@link #changed()} (coalesced) and on a
 * 500 ms poll for what has no event (the unsent count as acks arrive).
 */
final class StatusPublisher {
    private static final Logger LOG = Logger.getLogger(StatusPublisher.class.getName());
    /** Poll period for changes without an event. */
    static final long POLL_MS = 500;
    /** Delay that coalesces bursts of {@link #changed()}. */
    static final long COALESCE_MS = 20;

    private final SessionThread thread;
    private final EditorClient editor;
    private final CurrentRoom room;
    /** The room's participants as the cursors feature sees them. Immutable reference. */
    private final Function<Room, List<WeftProtocol.Participant>> participants;
    private final Gson gson = new Gson();
    /** True while a coalesced send is scheduled. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** JSON of the last status sent; session thread only. */
    private String lastJson = "";

    StatusPublisher(SessionThread thread, EditorClient editor, CurrentRoom room,
                    Function<Room, List<WeftProtocol.Participant>> participants) {
        this.thread = thread;
        this.editor = editor;
        this.room = room;
        this.participants = participants;
        thread.every(POLL_MS, this::sendIfChanged);
    }

    /** {@code weft.status}. */
    WeftProtocol.Status status() {
        Room r = room.get();
        WeftProtocol.Status s = new WeftProtocol.Status();
        if (r == null) {
            return s;
        }
        s.state = switch (r.client.state()) {
            case CONNECTING -> "connecting";
            case CONNECTED -> "connected";
            case RECONNECTING -> "reconnecting";
            case OFFLINE -> "offline";
            case CLOSED -> "disconnected";
        };
        s.room = r.id;
        s.role = r.client.welcome() == null ? null : r.client.readOnly() ? "read-only" : "editor";
        s.paused = r.paused;
        s.inviteLink = r.inviteLink;
        s.readOnlyInviteLink = r.readOnlyInviteLink;
        boolean readOnly = r.client.welcome() != null && r.client.readOnly();
        for (RoomDocument rd : r.docs.values()) {
            if (!readOnly) {
                // A read-only member sends nothing: operations its journal kept from an earlier editor membership
                // are not "unsent" (they wait for an editor link), and the relay never acks them on this link.
                s.unsent += rd.shared.unackedCount();
            }
            DocumentBinding b = rd.binding;
            if (b != null) {
                s.repairs += b.repairs();
            }
        }
        s.participants = participants.apply(r);
        s.transport = r.client.transport().wire;
        s.directPeers = r.client.directPeers();
        s.lanPort = r.client.lanPort();
        return s;
    }

    /** Something the status reports may have changed: send {@code weft/status} soon (coalesced). */
    void changed() {
        if (scheduled.compareAndSet(false, true)) {
            thread.schedule(() -> {
                scheduled.set(false);
                sendIfChanged();
            }, COALESCE_MS);
        }
    }

    private void sendIfChanged() {
        try {
            WeftLanguageClient c = editor.client();
            if (c == null) {
                return;
            }
            WeftProtocol.Status s = status();
            String json = gson.toJson(s);
            if (!json.equals(lastJson)) {
                lastJson = json;
                c.weftStatus(s);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status update failed", e);
        }
    }
}

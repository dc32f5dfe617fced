package dev.weft.lsp.customservice;

import org.eclipse.lsp4j.Position;

import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of Weft's LSP extensions ({@code docs/protocol.md} "Language server protocol
 * extensions"). Plain mutable beans so LSP4J's Gson maps them field by field; field names are the wire names.
 */
public final class WeftProtocol {
    private WeftProtocol() {
    }

    /** Command names, listed in {@code executeCommandProvider}. */
    public static final String SHARE = "weft.share";
    public static final String JOIN = "weft.join";
    public static final String LEAVE = "weft.leave";
    public static final String PAUSE = "weft.pause";
    public static final String RESUME = "weft.resume";
    public static final String UNDO = "weft.undo";
    public static final String REDO = "weft.redo";
    public static final String STATUS = "weft.status";
    /** Shares whole folders (every workspace root) through the workspace engine ({@code docs/workspace.md}). */
    public static final String SHARE_WORKSPACE = "weft.shareWorkspace";
    public static final List<String> COMMANDS = List.of(SHARE, JOIN, LEAVE, PAUSE, RESUME, UNDO, REDO, STATUS,
            SHARE_WORKSPACE);
    /** The relay {@code weft.share} uses when neither its argument nor {@code initializationOptions} names one. */
    public static final String DEFAULT_RELAY_URL = "http://127.0.0.1:7420";

    /** {@code initializationOptions}. */
    public static class InitOptions {
        public String userName;
        public String color;
        /** The relay, or {@code URL1,URL2,…}: the nodes of one relay cluster, tried in turn (docs/relay.md). */
        public String relayUrl;
        public String dataDir;
        /**
         * True when the client sends {@code weft/selection} itself (the Weft plugins for VS Code, Neovim, Emacs and
         * Vim). The server then does not claim {@code textDocument/hover} and {@code documentHighlight}, which it
         * answers only to learn a plain client's caret, so the editor keeps its own word highlighting.
         */
        public boolean reportsSelection;
    }

    /** Argument of {@code weft.share}. */
    public static class ShareArgs {
        /** The relay, or {@code URL1,URL2,…} of one cluster: the room is created on the first that answers. */
        public String relayUrl;
        public List<String> uris;
    }

    /** Result of {@code weft.share}. */
    public static class ShareResult {
        public String room;
        public String inviteLink;
        public String readOnlyInviteLink;
    }

    /** Argument of {@code weft.shareWorkspace}. */
    public static class ShareWorkspaceArgs {
        public String relayUrl;
        /** {@code file:} URIs of the folders to share; default: every workspace folder of {@code initialize}. */
        public List<String> folders;
    }

    /** Result of {@code weft.shareWorkspace} and of {@code weft.join} of a shared-workspace room. */
    public static class WorkspaceResult extends JoinResult {
        public String inviteLink;
        public String readOnlyInviteLink;
        /** Always true: tells a client that the room is a shared workspace (files follow on disk). */
        public boolean workspace = true;
        /** The local folders mirrored, as {@code file:} URIs, in the room's root order. */
        public List<String> folders = new ArrayList<>();
        /** Live files in the room once this member's disk matched it. */
        public int files;
        /** Files left out here, each "path (reason)" (at most 50 lines, then a count). */
        public List<String> leftOut = new ArrayList<>();
    }

    /** Argument of {@code weft.join}. */
    public static class JoinArgs {
        public String link;
        /**
         * Optional {@code URL1,URL2,…}: other nodes of the link's relay cluster to fail over to (docs/relay.md,
         * "Cluster"). Without it, the {@code relayUrl} of {@code initializationOptions} serves when it lists the
         * link's relay.
         */
        public String relayUrl;
    }

    /** Result of {@code weft.join}. */
    public static class JoinResult {
        public String room;
        public List<String> documents = new ArrayList<>();
        /** Room documents not written, each with the reason (a name or file Weft refuses; see docs/user-guide.md). */
        public List<Skipped> skipped = new ArrayList<>();
    }

    /** Argument of {@code weft.undo} / {@code weft.redo}. */
    /** A room document a join did not write, in {@link JoinResult}. */
    public static class Skipped {
        public String name;
        public String reason;

        public Skipped() {
        }

        public Skipped(String name, String reason) {
            this.name = name;
            this.reason = reason;
        }
    }

    public static class UriArgs {
        public String uri;
    }

    /** One participant in {@link Status}. */
    public static class Participant {
        public String clientId;
        public String name;
        public String color;
        public String uri;
    }

    /** {@code weft/status} notification and {@code weft.status} result. */
    public static class Status {
        public String state = "disconnected";
        public String room;
        public String role;
        public long unsent;
        public boolean paused;
        public int repairs;
        public String inviteLink;
        public String readOnlyInviteLink;
        public List<Participant> participants = new ArrayList<>();
    }

    /** An anchor/active pair (the selection's start where it began, and the cursor). */
    public static class Selection {
        public Position anchor;
        public Position active;

        public Selection() {
        }

        public Selection(Position anchor, Position active) {
            this.anchor = anchor;
            this.active = active;
        }
    }

    /** {@code weft/selection} notification (client → server). */
    public static class SelectionParams {
        public String uri;
        public int version;
        public List<Selection> selections = new ArrayList<>();
    }

    /** One remote participant's cursors in {@link RemoteCursors}. */
    public static class RemoteCursor {
        public String clientId;
        public String name;
        public String color;
        public List<Selection> selections = new ArrayList<>();
    }

    /** {@code weft/remoteCursors} notification (server → client): the full list for one uri. */
    public static class RemoteCursors {
        public String uri;
        public List<RemoteCursor> cursors = new ArrayList<>();
    }

    /** {@code weft/verify} request. */
    public static class VerifyParams {
        public String uri;
        public int version;
        public String sha256;
    }

    /** {@code weft/verify} result. */
    public static class VerifyResult {
        public boolean ok;
        public boolean repaired;
        public int repairs;
        /** The comparison with the room: same, repaired, not-comparable, not-checked or unsupported. */
        public String room;
    }
}

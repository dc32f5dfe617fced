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
    /** Who typed the uncommitted characters of each line of a file ({@code docs/git.md}, "Editors"). */
    public static final String BLAME = "weft.blame";
    /** Puts exactly the local participant's changes into the git index. */
    public static final String STAGE_MINE = "weft.stageMine";
    /** Commits the index with {@code Co-authored-by} trailers for the other authors of the staged diff. */
    public static final String COMMIT = "weft.commit";
    /** The LAN sessions advertised on the network now ({@code docs/protocol.md}, "LAN sessions in editors"). */
    public static final String LAN_SESSIONS = "weft.lanSessions";
    public static final List<String> COMMANDS = List.of(SHARE, JOIN, LEAVE, PAUSE, RESUME, UNDO, REDO, STATUS,
            SHARE_WORKSPACE, BLAME, STAGE_MINE, COMMIT, LAN_SESSIONS);
    /** The relay {@code weft.share} uses when neither its argument nor {@code initializationOptions} names one. */
    public static final String DEFAULT_RELAY_URL = "http://127.0.0.1:7420";

    /** {@code initializationOptions}. */
    public static class InitOptions {
        public String userName;
        /** The e-mail for {@code Co-authored-by} trailers; null: git's {@code user.email} in the workspace. */
        public String userEmail;
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
        /**
         * True when the client draws other members' cursors itself from {@code weft/remoteCursors} (the Weft plugins
         * for VS Code, Neovim and Vim). The server then sends neither the {@code ‹name›} inlay hints nor the
         * "name is here" hint diagnostics it adds for editors without a plugin, and does not claim
         * {@code inlayHintProvider}: one notification per cursor change instead of three messages and the
         * editor's inlay-hint round trip.
         */
        public boolean drawsCursors;
        /**
         * How {@code weft.share} reaches a new room: {@code relay} (default), {@code direct} (the relay plus direct
         * links; also how relay links are joined) or {@code lan} (no relay). A {@code weft://lan?…} link is always
         * joined over the LAN.
         */
        public String transport;
        /** LAN: the address to listen and advertise on; null: every interface (mDNS on the first LAN address). */
        public String lanBind;
        /** LAN: peers to dial besides those discovered, {@code host:port,…} (where multicast does not reach). */
        public String lanPeers;
        /** LAN: advertise and browse with mDNS; null means true. */
        public Boolean lanDiscovery;
        /** LAN: the label a shared room advertises to everyone on the network; null: none. */
        public String lanLabel;
    }

    /** Argument of {@code weft.share}. */
    public static class ShareArgs {
        /** The relay, or {@code URL1,URL2,…} of one cluster: the room is created on the first that answers. */
        public String relayUrl;
        public List<String> uris;
        /** {@code relay}, {@code direct} or {@code lan}; null: {@code initializationOptions.transport}. */
        public String transport;
        /** LAN: the label to advertise (overrides {@code lanLabel}). */
        public String label;
    }

    /** Result of {@code weft.share}. */
    public static class ShareResult {
        public String room;
        public String inviteLink;
        public String readOnlyInviteLink;
        /** {@code relay}, {@code direct} or {@code lan}. */
        public String transport;
        /** LAN: the TCP port this member's node listens on (for {@code peers} where mDNS does not reach); else 0. */
        public int lanPort;
    }

    /** Argument of {@code weft.shareWorkspace}. */
    public static class ShareWorkspaceArgs {
        public String relayUrl;
        /** {@code file:} URIs of the folders to share; default: every workspace folder of {@code initialize}. */
        public List<String> folders;
        /**
         * Branch scope ({@code docs/git.md}, "Editors on branches"): one folder in a git work tree, whose peers
         * co-edit only with peers on the same branch and follow checkouts. Default false.
         */
        public Boolean branches;
        /**
         * {@code relay} or {@code lan} (no relay; docs/workspace.md, "LAN folders"); null: the initialization
         * option's.
         */
        public String transport;
        /** LAN: the label to advertise (overrides {@code lanLabel}). */
        public String label;
    }

    /** Result of {@code weft.shareWorkspace} and of {@code weft.join} of a shared-workspace room. */
    public static class WorkspaceResult extends JoinResult {
        public String inviteLink;
        public String readOnlyInviteLink;
        /** Always true: tells a client that the room is a shared workspace (files follow on disk). */
        public boolean workspace = true;
        /** For a branch-scoped room: the branch this peer is on now; null otherwise. */
        public String branch;
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
        /** Relay links: {@code relay} or {@code direct}; LAN links: absent or {@code lan}. */
        public String transport;
        /** LAN links: peers to dial, {@code host:port} each (e.g. a picked session's {@code peers}). */
        public List<String> peers;
    }

    /** Argument of {@code weft.lanSessions}. */
    public static class LanSessionsArgs {
        /** LAN links the user holds (editor or read-only): sessions of their rooms are reported as known. */
        public List<String> links;
        /** How long to listen the first time, ms (default 1500, at most 10000); later calls answer at once. */
        public Integer waitMs;
    }

    /** Result of {@code weft.lanSessions}. */
    public static class LanSessionsResult {
        public List<LanSession> sessions = new ArrayList<>();
    }

    /**
     * One LAN room advertised on the network: what the advertisement reveals (a tag, addresses, an optional label),
     * plus the room and link only when one of the caller's links matches the tag.
     */
    public static class LanSession {
        /** The room tag (16 hex digits; only holders of the room's link can tell which room it is). */
        public String tag;
        /** The label the host chose to advertise, or absent. Unauthenticated: a claim, not proof. */
        public String label;
        /** The advertising nodes, {@code ip:port} each: pass them as {@code peers} to {@code weft.join}. */
        public List<String> peers = new ArrayList<>();
        /** True if a link the caller gave (or this server used) matches the tag. */
        public boolean known;
        /** The room id, only when {@code known}. */
        public String room;
        /** The matching link (the editor link if both are known), only when {@code known}. */
        public String link;
        /** True if this server is in that room now. */
        public boolean current;
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
        /** The participant's e-mail (git {@code user.email}) if their presence carries one, else absent. */
        public String email;
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
        /** {@code relay}, {@code direct} or {@code lan}; absent outside a session. */
        public String transport;
        /** {@code direct}: members linked directly now. */
        public int directPeers;
        /** {@code lan}: the TCP port this member's node listens on. */
        public int lanPort;
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

    /** Result of {@code weft.blame} (argument {@link UriArgs}). */
    public static class BlameResult {
        public String uri;
        /** One entry per line of the file's current shared text, in order. */
        public List<BlameLine> lines = new ArrayList<>();
    }

    /** One line in {@link BlameResult}. */
    public static class BlameLine {
        /** 0-based line number. */
        public int line;
        /** Authors of the line's uncommitted characters in order of appearance ({@code "?"}: unknown); empty if none. */
        public List<String> authors = new ArrayList<>();

        public BlameLine() {
        }

        public BlameLine(int line, List<String> authors) {
            this.line = line;
            this.authors = new ArrayList<>(authors);
        }
    }

    /** Argument of {@code weft.stageMine} and {@code weft.commit}: which shared folder (default: every one). */
    public static class GitArgs {
        /** A {@code file:} URI inside the shared folder whose repository is meant; null: every shared root. */
        public String uri;
        /** {@code weft.commit}: the commit message (required). */
        public String message;
    }

    /** Result of {@code weft.stageMine}. */
    public static class StageResult {
        /** Who staged, {@code Name <email>}. */
        public String as;
        public List<StagedFile> staged = new ArrayList<>();
        /** Changes left unstaged, each "path line N: reason" or "path: reason". */
        public List<String> problems = new ArrayList<>();
    }

    /** One staged file in {@link StageResult}. */
    public static class StagedFile {
        /** Path relative to the repository's work tree. */
        public String path;
        public int inserted;
        public int deleted;
    }

    /** Result of {@code weft.commit}. */
    public static class CommitResult {
        /** The new commit's id, one per repository committed to. */
        public List<String> commits = new ArrayList<>();
        /** The {@code Co-authored-by: Name <email>} trailers written. */
        public List<String> trailers = new ArrayList<>();
        /** What could not be attributed (unknown authors, a co-author without e-mail). */
        public List<String> problems = new ArrayList<>();
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

package dev.weft.sync;

import dev.weft.crdt.model.VersionVector;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * One message of the sync protocol (see {@code docs/protocol.md}); encoded by {@link MessageCodec}.
 *
 * <p>All records are immutable except that {@code byte[]} fields are not copied: callers must not mutate an
 * array after passing it to, or receiving it from, a message. Strings are never null; "no document" is the empty
 * string. Ids, clocks and version entries are non-negative.
 */
public sealed interface Message {

    /**
     * The document this message concerns: the {@code doc} field of the kinds that have one (SyncRequest, SyncReply,
     * Update, Ack, Awareness, DocAdded, Error, StateCheck, StateCheckReply), the empty string for room-level messages (Hello, Welcome, and
     * room-level awareness or errors).
     */
    String doc();

    /** Client → relay, first message on a connection: join {@code room} using one of its secrets. */
    record Hello(int protocolVersion, String room, String secret, long clientId, String userName, String color)
            implements Message {
        public Hello {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(userName, "userName");
            Objects.requireNonNull(color, "color");
            MessageCodec.requireNonNegative(clientId, "clientId");
        }

        @Override
        public String toString() {
            // Never log secrets.
            return "Hello[v" + protocolVersion + ", room=" + room + ", clientId=" + clientId + ", userName="
                    + userName + ", color=" + color + "]";
        }

        /** Always "": Hello is room-level. */
        @Override
        public String doc() {
            return "";
        }
    }

    /** Relay → client, answer to a valid Hello: the member's role and the documents the room holds now. */
    record Welcome(int protocolVersion, Role role, List<String> docNames) implements Message {
        public Welcome {
            Objects.requireNonNull(role, "role");
            docNames = List.copyOf(docNames);
        }

        /** Always "": Welcome is room-level. */
        @Override
        public String doc() {
            return "";
        }
    }

    /** Either direction: "send me what I lack of {@code doc}; I have {@code version}". An editor's request for an unknown doc creates it. */
    record SyncRequest(String doc, VersionVector version) implements Message {
        public SyncRequest {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(version, "version");
        }
    }

    /** Answer to a SyncRequest: {@code update} holds what the asker lacked; {@code serverVersion} is the replier's version. */
    record SyncReply(String doc, byte[] update, VersionVector serverVersion) implements Message {
        public SyncReply {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(update, "update");
            Objects.requireNonNull(serverVersion, "serverVersion");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SyncReply r && doc.equals(r.doc) && Arrays.equals(update, r.update)
                    && serverVersion.equals(r.serverVersion);
        }

        @Override
        public int hashCode() {
            return Objects.hash(doc, Arrays.hashCode(update), serverVersion);
        }

        @Override
        public String toString() {
            return "SyncReply[doc=" + doc + ", update=" + Message.describe(update) + ", serverVersion="
                    + serverVersion + "]";
        }
    }

    /** Either direction: a CRDT update of {@code doc} (idempotent; may be empty, which asks only for an Ack). */
    record Update(String doc, byte[] update) implements Message {
        public Update {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(update, "update");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Update u && doc.equals(u.doc) && Arrays.equals(update, u.update);
        }

        @Override
        public int hashCode() {
            return Objects.hash(doc, Arrays.hashCode(update));
        }

        @Override
        public String toString() {
            return "Update[doc=" + doc + ", update=" + Message.describe(update) + "]";
        }
    }

    /** Relay → sender of an Update: every operation covered by {@code durableVersion} is in durable storage. */
    record Ack(String doc, VersionVector durableVersion) implements Message {
        public Ack {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(durableVersion, "durableVersion");
        }
    }

    /**
     * Either direction: presence of client {@code clientId} in {@code doc} ("" = in the room, no document).
     * {@code state} is UTF-8 JSON chosen by the client, or "" meaning the client is gone. Last writer (highest
     * {@code clock}) wins per (clientId, doc).
     */
    record Awareness(String doc, long clientId, long clock, String state) implements Message {
        public Awareness {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(state, "state");
            MessageCodec.requireNonNegative(clientId, "clientId");
            MessageCodec.requireNonNegative(clock, "clock");
        }

        /** True if this message says the client left (empty state). */
        public boolean isRemoval() {
            return state.isEmpty();
        }
    }

    /**
     * Client → relay: {@link SyncRequest} for many documents in one message (the first sync after joining a room
     * with many documents). Each entry is handled exactly as a SyncRequest would be (creation, limits, errors); the
     * answers come as one or more {@link SyncBatchReply} parts carrying the same {@code batch}, the last one marked.
     *
     * @param batch     chosen by the client, echoed in every reply part
     * @param requests  the documents and the client's version of each; immutable copy
     */
    record SyncBatchRequest(long batch, List<SyncRequest> requests) implements Message {
        public SyncBatchRequest {
            MessageCodec.requireNonNegative(batch, "batch");
            requests = List.copyOf(requests);
        }

        /** Always "": a batch is about many documents. */
        @Override
        public String doc() {
            return "";
        }
    }

    /**
     * Relay → client: one part of the answer to a {@link SyncBatchRequest}: a {@link SyncReply} per document in
     * this part, in request order. A document refused (bad name, limit, read-only creation) gets an {@link Error}
     * naming it instead, sent before the part that would have held it.
     *
     * @param batch    the request's {@code batch}
     * @param last     true on the final part: every entry of the request has been answered
     * @param replies  this part's replies; immutable copy
     */
    record SyncBatchReply(long batch, boolean last, List<SyncReply> replies) implements Message {
        public SyncBatchReply {
            MessageCodec.requireNonNegative(batch, "batch");
            replies = List.copyOf(replies);
        }

        /** Always "": a batch is about many documents. */
        @Override
        public String doc() {
            return "";
        }
    }

    /** Relay → members: a document was created in the room. */
    record DocAdded(String doc) implements Message {
        public DocAdded {
            Objects.requireNonNull(doc, "doc");
        }
    }

    /** Relay → client: something was refused; {@code doc} names the document concerned, or is "". */
    record Error(ErrorCode code, String message, String doc) implements Message {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(doc, "doc");
        }

        /** An error not about a particular document. */
        public Error(ErrorCode code, String message) {
            this(code, message, "");
        }
    }

    /**
     * Client → relay: "my replica of {@code doc} is at {@code version} and its text has SHA-256
     * {@code textSha256}; is yours the same?" Answered by {@link StateCheckReply}. Lets a client notice a replica
     * that differs from the room's although both have the same operations by id (two live replicas that shared an
     * agent id), which no version comparison can show.
     */
    record StateCheck(String doc, VersionVector version, byte[] textSha256) implements Message {
        public StateCheck {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(textSha256, "textSha256");
            if (textSha256.length != 32) {
                throw new IllegalArgumentException("textSha256 must be 32 bytes, was " + textSha256.length);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateCheck c && doc.equals(c.doc) && version.equals(c.version)
                    && Arrays.equals(textSha256, c.textSha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(doc, version, Arrays.hashCode(textSha256));
        }

        @Override
        public String toString() {
            return "StateCheck[doc=" + doc + ", version=" + version + ", textSha256=" + Message.describe(textSha256)
                    + "]";
        }
    }

    /**
     * Relay → client, answer to a {@link StateCheck}: the relay replica's {@code version} and the
     * {@link StateCheckResult}; {@code state} is the relay replica's whole state ({@code encodeStateAsUpdate})
     * when the result is {@link StateCheckResult#DIFFERENT_TEXT}, empty otherwise.
     */
    record StateCheckReply(String doc, VersionVector version, StateCheckResult result, byte[] state)
            implements Message {
        public StateCheckReply {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(state, "state");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateCheckReply r && doc.equals(r.doc) && version.equals(r.version)
                    && result == r.result && Arrays.equals(state, r.state);
        }

        @Override
        public int hashCode() {
            return Objects.hash(doc, version, result, Arrays.hashCode(state));
        }

        @Override
        public String toString() {
            return "StateCheckReply[doc=" + doc + ", version=" + version + ", result=" + result + ", state="
                    + Message.describe(state) + "]";
        }
    }

    /**
     * Client → relay: an {@link Update} the sender has also delivered over direct links to the members whose client
     * ids are in {@code skip} (ascending, distinct). The relay handles it exactly as an {@code Update} (checks,
     * integration, storage, one {@code Ack} or {@code Error}) and forwards it as a plain {@code Update}, except to a
     * member listed in {@code skip} that has told the relay (with {@link Signal#UP}) that its direct link from the
     * sender is up. See {@code docs/protocol.md}, "Direct connections".
     */
    record DirectUpdate(String doc, byte[] update, List<Long> skip) implements Message {
        public DirectUpdate {
            Objects.requireNonNull(doc, "doc");
            Objects.requireNonNull(update, "update");
            skip = List.copyOf(skip);
            for (int i = 0; i < skip.size(); i++) {
                MessageCodec.requireNonNegative(skip.get(i), "skip");
                if (i > 0 && skip.get(i) <= skip.get(i - 1)) {
                    throw new IllegalArgumentException("skip must be strictly ascending: " + skip);
                }
            }
        }

        /** The plain update the relay forwards. */
        public Update asUpdate() {
            return new Update(doc, update);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DirectUpdate u && doc.equals(u.doc) && Arrays.equals(update, u.update)
                    && skip.equals(u.skip);
        }

        @Override
        public int hashCode() {
            return Objects.hash(doc, Arrays.hashCode(update), skip);
        }

        @Override
        public String toString() {
            return "DirectUpdate[doc=" + doc + ", update=" + Message.describe(update) + ", skip=" + skip + "]";
        }
    }

    /**
     * Either direction: rendezvous signalling for direct connections ({@code docs/protocol.md}, "Direct
     * connections"). Client → relay: {@code peer} is the member (client id) it is for, 0 for the relay itself.
     * Relay → client: {@code peer} is the member it comes from, 0 for the relay. {@code data}'s format depends on
     * {@code kind}.
     */
    record Signal(long peer, int kind, byte[] data) implements Message {
        /** C→R peer 0: "I take direct connections"; the relay answers {@link #RENDEZVOUS} and tells the others. */
        public static final int OFFER = 1;
        /** R→C peer 0: the relay's UDP port and the room's direct-path keys (member key, editor key if editor). */
        public static final int RENDEZVOUS = 2;
        /** C→R→C: "I take direct connections too", the answer to a forwarded {@link #OFFER}. */
        public static final int ANSWER = 3;
        /** C→R→C: the sender's UDP candidates for the pair (text, one {@code host:port} per line). */
        public static final int CANDIDATES = 4;
        /** C→R: my direct link from {@code peer} is up: honour {@code peer}'s skip lists for me. */
        public static final int UP = 5;
        /** C→R: my direct link from {@code peer} is down: forward everything from it to me again. */
        public static final int DOWN = 6;

        public Signal {
            MessageCodec.requireNonNegative(peer, "peer");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public String doc() {
            return "";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Signal g && peer == g.peer && kind == g.kind && Arrays.equals(data, g.data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(peer, kind, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Signal[peer=" + peer + ", kind=" + kind + ", data=" + data.length + " bytes]";
        }
    }

    private static String describe(byte[] bytes) {
        int shown = Math.min(bytes.length, 16);
        return bytes.length + " bytes " + HexFormat.of().formatHex(bytes, 0, shown) + (shown < bytes.length ? "…" : "");
    }
}

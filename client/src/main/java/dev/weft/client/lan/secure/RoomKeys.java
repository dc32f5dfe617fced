package dev.weft.client.lan.secure;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The keys of one LAN room, derived from its secrets ({@code docs/protocol.md}, "LAN peers"). A LAN room has an
 * editor secret {@code E} (random, 192 bits) and a reader secret {@code R = b64url(HMAC(E, "weft-lan reader
 * secret")[0..16])}, so an editor can check readers but a reader cannot act as an editor:
 * <ul>
 *   <li>member key {@code M = HMAC(R, "weft-lan member key" ‖ room)}: every member has it; it authenticates the
 *   handshake and keys the channel;</li>
 *   <li>editor key {@code K = HMAC(E, "weft-lan editor key" ‖ room)}: editors only; an editor proves its role
 *   with an HMAC under it, bound to the handshake;</li>
 *   <li>room tag {@code T = hex(HMAC(M, "weft-lan room tag")[0..8])}: what discovery advertises; reveals neither
 *   secret nor content, and only members can match it.</li>
 * </ul>
 * Immutable; {@link #toString()} never shows key material.
 */
public final class RoomKeys {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /** Room id; immutable. */
    private final String room;
    /** The reader secret; immutable. */
    private final String readerSecret;
    /** Member key (32 bytes); immutable, never exposed. */
    private final byte[] memberKey;
    /** Editor key, or null for a reader; immutable, never exposed. */
    private final byte[] editorKey;

    private RoomKeys(String room, String readerSecret, byte[] editorKey) {
        this(room, readerSecret, Hkdf.hmac(utf8(readerSecret), utf8("weft-lan member key"), utf8(room)), editorKey);
    }

    private RoomKeys(String room, String readerSecret, byte[] memberKey, byte[] editorKey) {
        this.room = Objects.requireNonNull(room, "room");
        this.readerSecret = readerSecret;
        this.memberKey = memberKey;
        this.editorKey = editorKey;
    }

    /**
     * Keys a relay handed out for direct connections in one of its rooms ({@code docs/protocol.md}, "Direct
     * connections"): the member key, and the editor key for an editor or null for a read-only member. There is no
     * reader secret ({@link #readerSecret()} is null).
     *
     * @throws IllegalArgumentException if a key is not 32 bytes
     */
    public static RoomKeys fromKeys(String room, byte[] memberKey, byte[] editorKey) {
        if (memberKey.length != Hkdf.HASH_LEN || (editorKey != null && editorKey.length != Hkdf.HASH_LEN)) {
            throw new IllegalArgumentException("direct-path keys must be " + Hkdf.HASH_LEN + " bytes");
        }
        return new RoomKeys(room, null, memberKey.clone(), editorKey == null ? null : editorKey.clone());
    }

    /** A new room's editor secret: 192 random bits, URL-safe base64. */
    public static String newEditorSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return B64.encodeToString(b);
    }

    /** The reader secret that goes with {@code editorSecret}. */
    public static String readerSecretOf(String editorSecret) {
        return B64.encodeToString(Arrays.copyOf(Hkdf.hmac(utf8(editorSecret), utf8("weft-lan reader secret")), 16));
    }

    /** Keys of an editor of {@code room}. */
    public static RoomKeys editor(String room, String editorSecret) {
        requireSecret(editorSecret);
        return new RoomKeys(room, readerSecretOf(editorSecret),
                Hkdf.hmac(utf8(editorSecret), utf8("weft-lan editor key"), utf8(room)));
    }

    /** Keys of a read-only member of {@code room}. */
    public static RoomKeys reader(String room, String readerSecret) {
        requireSecret(readerSecret);
        return new RoomKeys(room, readerSecret, null);
    }

    private static void requireSecret(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("LAN room secret is missing or empty");
        }
    }

    public String room() {
        return room;
    }

    /** True if these are an editor's keys. */
    public boolean isEditor() {
        return editorKey != null;
    }

    /** The reader secret (for the read-only link); null for {@link #fromKeys} keys. */
    public String readerSecret() {
        return readerSecret;
    }

    /** The discovery tag: 16 hex digits. */
    public String roomTag() {
        return HexFormat.of().formatHex(Arrays.copyOf(Hkdf.hmac(memberKey, utf8("weft-lan room tag")), 8));
    }

    byte[] memberKey() {
        return memberKey;
    }

    /**
     * The editor proof for one side of a handshake, or an empty array for a reader.
     */
    byte[] editorProof(byte[] transcript, boolean initiator) {
        if (editorKey == null) {
            return new byte[0];
        }
        return Hkdf.hmac(editorKey, utf8("weft-lan editor proof"), transcript,
                new byte[] {(byte) (initiator ? 'I' : 'R')});
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "RoomKeys[room=" + room + ", " + (isEditor() ? "editor" : "reader") + "]";
    }
}

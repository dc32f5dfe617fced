package dev.weft.client.lan;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.lan.secure.RoomKeys;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * An invitation to a LAN room (no relay): {@code weft://lan?room=<room>&secret=<editor secret>} or
 * {@code weft://lan?room=<room>&readOnlySecret=<reader secret>}. Immutable.
 *
 * @param room   room id (same rules as relay rooms)
 * @param secret the editor or reader secret
 * @param editor true if {@code secret} is the editor secret
 */
public record LanLink(String room, String secret, boolean editor) {
    private static final String PREFIX = "weft://lan?";

    /** @throws MalformedInviteLinkException if the room id or secret is unusable */
    public LanLink {
        InviteLink.requireRoom("LAN link", room);
        if (secret == null || secret.isEmpty()) {
            throw new MalformedInviteLinkException("LAN link: the secret is missing or empty");
        }
    }

    /** True if {@code text} looks like a LAN link (so callers can choose the parser). */
    public static boolean isLanLink(String text) {
        return text != null && text.strip().startsWith(PREFIX);
    }

    /**
     * Parses {@code weft://lan?…}.
     *
     * @throws MalformedInviteLinkException naming the problem (prefix, missing or repeated parameter)
     */
    public static LanLink parse(String text) {
        if (!isLanLink(text)) {
            throw new MalformedInviteLinkException("LAN link must start with " + PREFIX);
        }
        Map<String, String> params = new HashMap<>();
        for (String part : text.strip().substring(PREFIX.length()).split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new MalformedInviteLinkException("LAN link: malformed parameter '" + part + "'");
            }
            String key = part.substring(0, eq);
            if (params.put(key, URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8).strip()) != null) {
                throw new MalformedInviteLinkException("LAN link: parameter '" + key + "' is repeated");
            }
        }
        String editorSecret = params.get("secret");
        String readerSecret = params.get("readOnlySecret");
        if ((editorSecret == null) == (readerSecret == null)) {
            throw new MalformedInviteLinkException("LAN link needs exactly one of 'secret' and 'readOnlySecret'");
        }
        return new LanLink(params.get("room"), editorSecret != null ? editorSecret : readerSecret,
                editorSecret != null);
    }

    /** A new LAN room with a fresh random editor secret. */
    public static LanLink newRoom(String room) {
        return new LanLink(room, RoomKeys.newEditorSecret(), true);
    }

    /** This link's keys. */
    public RoomKeys keys() {
        return editor ? RoomKeys.editor(room, secret) : RoomKeys.reader(room, secret);
    }

    /** The read-only link of the same room. */
    public LanLink readOnly() {
        return editor ? new LanLink(room, RoomKeys.readerSecretOf(secret), false) : this;
    }

    public String format() {
        return PREFIX + "room=" + enc(room) + "&" + (editor ? "secret=" : "readOnlySecret=") + enc(secret);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "LanLink[room=" + room + ", " + (editor ? "editor" : "reader") + "]";
    }
}

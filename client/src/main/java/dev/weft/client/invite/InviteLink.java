package dev.weft.client.invite;

import dev.weft.client.paths.PathRules;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An invitation to a relay room: {@code weft://join?relay=<url-encoded relay URL>&room=<room>&secret=<secret>}.
 * Also accepted, with the same query: the VS Code form {@code <scheme>://weft.weft-vscode/join?…} (any scheme, so
 * VS Code Insiders and forks work), and the bare query pasted alone. Parameter values are trimmed; a repeated
 * parameter is an error. The grammar is shared with the VS Code extension through the test vectors in
 * {@code docs/test-vectors/invite-links.json}, which both test suites read.
 *
 * <pre>{@code
 * InviteLink l = InviteLink.parse("weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=r1&secret=s1");
 * l.relay();    // http://127.0.0.1:7420
 * l.format();   // the same link again
 * }</pre>
 *
 * @param relay  the relay's base URL, {@code http} or {@code https}, with a host
 * @param room   the room id, non-empty
 * @param secret the editor or read-only secret, non-empty
 */
public record InviteLink(URI relay, String room, String secret) {
    /** The scheme of Weft's own links. */
    public static final String SCHEME = "weft";
    /** The authority of VS Code's URI handler for the extension. */
    public static final String VSCODE_AUTHORITY = "weft.weft-vscode";
    /** A pasted query without a scheme: it starts with a parameter name and '=' (optionally after '?'). */
    private static final Pattern BARE_QUERY = Pattern.compile("\\??[^:/\\s?=]*=");

    /**
     * @throws MalformedInviteLinkException if a part is missing, the relay URL is not an http(s) URL or the room id is
     *                                      not a plausible one ({@link PathRules#roomIdProblem})
     */
    public InviteLink {
        if (relay == null) {
            throw new MalformedInviteLinkException("invite link: relay URL is missing");
        }
        validateRelay(relay);
        requireRoom("invite link", room);
        if (secret == null || secret.isEmpty()) {
            throw new MalformedInviteLinkException("invite link: parameter 'secret' is missing or empty");
        }
    }

    /**
     * Checks the room id of a link ({@code kind} names the link in the message, e.g. {@code "LAN link"}): present and
     * a plausible room id ({@link PathRules#roomIdProblem}); it becomes a folder name (journal, {@code .weft/<room>/}),
     * so a hostile link must not traverse.
     *
     * @throws MalformedInviteLinkException {@code "<kind>: parameter 'room' is missing or empty"} or
     *                                      {@code "<kind>: <problem>"}
     */
    public static void requireRoom(String kind, String room) {
        if (room == null || room.isEmpty()) {
            throw new MalformedInviteLinkException(kind + ": parameter 'room' is missing or empty");
        }
        String roomProblem = PathRules.roomIdProblem(room);
        if (roomProblem != null) {
            throw new MalformedInviteLinkException(kind + ": " + roomProblem);
        }
    }

    /**
     * Parses a link; surrounding whitespace is ignored (links are often pasted).
     *
     * @throws MalformedInviteLinkException naming what is wrong: scheme, path, a missing or repeated parameter,
     *                                      or an unusable relay URL
     */
    public static InviteLink parse(String link) {
        if (link == null || link.isBlank()) {
            throw new MalformedInviteLinkException("invite link is empty");
        }
        String text = link.strip();
        String rawQuery;
        if (BARE_QUERY.matcher(text).lookingAt()) {
            // A pasted query alone: relay=…&room=…&secret=… (a leading '?' tolerated).
            rawQuery = text.startsWith("?") ? text.substring(1) : text;
        } else {
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new MalformedInviteLinkException("invite link is not a valid URI: " + e.getMessage());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String authority = nullToEmpty(uri.getRawAuthority());
            String path = nullToEmpty(uri.getRawPath());
            if (scheme.equals(SCHEME)) {
                // weft://join?… ("join" is the authority); weft:///join?… and a trailing slash are tolerated.
                String where = (authority + path).replaceFirst("^/", "").replaceFirst("/+$", "");
                if (!where.equals("join")) {
                    throw new MalformedInviteLinkException(
                            "invite link must start with weft://join?, got weft://" + authority + path);
                }
            } else if (VSCODE_AUTHORITY.equalsIgnoreCase(authority)) {
                // vscode://, vscode-insiders://, code-oss://, … : every VS Code flavour's URI handler.
                if (!path.replaceFirst("/+$", "").equals("/join")) {
                    throw new MalformedInviteLinkException("invite link must start with weft://join? or "
                            + scheme + "://" + VSCODE_AUTHORITY + "/join?, got path '" + path + "'");
                }
            } else {
                throw new MalformedInviteLinkException("invite link must start with weft://join? or "
                        + "vscode://" + VSCODE_AUTHORITY + "/join?, got scheme '" + scheme + "' with host '" + authority
                        + "'");
            }
            rawQuery = uri.getRawQuery();
        }
        Map<String, String> params = query(rawQuery);
        String relay = params.get("relay");
        if (relay == null || relay.isEmpty()) {
            throw new MalformedInviteLinkException("invite link: parameter 'relay' is missing or empty");
        }
        URI relayUri;
        try {
            relayUri = new URI(relay);
        } catch (URISyntaxException e) {
            throw new MalformedInviteLinkException("invite link: relay is not a valid URL: " + relay);
        }
        return new InviteLink(relayUri, params.get("room"), params.get("secret"));
    }

    /** The canonical {@code weft://join?…} form; {@code parse(format())} equals this link. */
    public String format() {
        return SCHEME + "://join?relay=" + encode(relay.toString()) + "&room=" + encode(room) + "&secret="
                + encode(secret);
    }

    /** The same link for VS Code's URI handler. */
    public String formatForVsCode() {
        return "vscode://" + VSCODE_AUTHORITY + "/join?relay=" + encode(relay.toString()) + "&room="
                + encode(room) + "&secret=" + encode(secret);
    }

    /** The link with the secret elided, for logs. */
    @Override
    public String toString() {
        return "InviteLink[relay=" + relay + ", room=" + room + ", secret=…]";
    }

    /**
     * Checks that a relay URL can be connected to.
     *
     * @throws MalformedInviteLinkException if it is not an absolute http(s) URL with a host
     */
    public static void validateRelay(URI relay) {
        String s = relay.getScheme() == null ? "" : relay.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            throw new MalformedInviteLinkException("relay URL must start with http:// or https://, got '"
                    + relay + "'");
        }
        if (relay.getHost() == null || relay.getHost().isEmpty()) {
            throw new MalformedInviteLinkException("relay URL has no host: '" + relay + "'");
        }
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            throw new MalformedInviteLinkException("invite link has no query (expected ?relay=…&room=…&secret=…)");
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1)).strip();
            if (params.putIfAbsent(key, value) != null) {
                throw new MalformedInviteLinkException("invite link: parameter '" + key + "' appears twice");
            }
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new MalformedInviteLinkException("invite link: bad percent-encoding in '" + s + "'");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

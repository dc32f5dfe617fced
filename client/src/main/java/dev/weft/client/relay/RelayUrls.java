package dev.weft.client.relay;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists of relay URLs: the nodes of one relay cluster a client may fail over between (docs/relay.md, "Cluster").
 * Written as {@code URL1,URL2,…} wherever one relay URL is accepted ({@code bin/weft --relay}, the language
 * server's {@code relayUrl}, the VS Code setting {@code weft.relayUrl}).
 *
 * <p>Invite links name one relay. A client uses its other configured URLs as fallbacks for a link only when the
 * link's relay is one of them ({@link #fallbacksFor}): a room's secret is only ever sent to relays the user named
 * together with that relay, never to an unrelated server.
 */
public final class RelayUrls {
    private RelayUrls() {
    }

    /**
     * Parses {@code URL1,URL2,…} (blanks around commas ignored, duplicates dropped).
     *
     * @return at least one URL, in the given order
     * @throws MalformedInviteLinkException if the list is empty or an entry is not an http(s) URL with a host
     */
    public static List<URI> parse(String text) {
        List<URI> out = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                URI uri = one(part.trim());
                if (out.stream().noneMatch(u -> same(u, uri))) {
                    out.add(uri);
                }
            }
        }
        if (out.isEmpty()) {
            throw new MalformedInviteLinkException("relay URL is not valid: '" + text + "'");
        }
        return List.copyOf(out);
    }

    private static URI one(String text) {
        try {
            URI uri = new URI(text);
            InviteLink.validateRelay(uri);
            return uri;
        } catch (URISyntaxException e) {
            throw new MalformedInviteLinkException("relay URL is not valid: '" + text + "'");
        }
    }

    /**
     * The URLs to fail over to for a room whose link names {@code linkRelay}.
     *
     * @return {@code configured} without {@code linkRelay} if {@code linkRelay} is among them (same scheme, host,
     *         port and path, ignoring case of scheme and host and a trailing slash), else an empty list
     */
    public static List<URI> fallbacksFor(URI linkRelay, List<URI> configured) {
        if (configured.stream().noneMatch(u -> same(u, linkRelay))) {
            return List.of();
        }
        return configured.stream().filter(u -> !same(u, linkRelay)).toList();
    }

    /** Whether two relay URLs name the same endpoint. */
    public static boolean same(URI a, URI b) {
        return key(a).equals(key(b));
    }

    private static String key(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        String path = u.getPath() == null ? "" : u.getPath().replaceFirst("/+$", "");
        String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
        return scheme + "://" + host + ":" + port + path;
    }
}

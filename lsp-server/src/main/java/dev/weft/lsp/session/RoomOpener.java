package dev.weft.lsp.session;

import dev.weft.lsp.notices.RelayErrorNotices;
import dev.weft.client.RelayRejectedException;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.invite.MalformedInviteLinkException;
import dev.weft.client.invite.RoomCredentials;
import dev.weft.client.relay.RelayUrls;
import dev.weft.lsp.cursors.CursorService;
import dev.weft.sync.Message;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens member connections to rooms (as the configured user and colour) and waits for the relay's Welcome.
 *
 * @param connector how rooms are created and reached
 * @param config what {@code initialize} configured
 * @param status sends {@code weft/status} when it changes
 * @param notices shows the relay's refusals the user must see (size limits)
 */
record RoomOpener(RoomConnector connector, SessionConfig config, StatusPublisher status, RelayErrorNotices notices) {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A not-yet-connected member connection for {@code link} whose state changes publish status; it fails over to
     * the configured relays when they name the link's relay (other nodes of its cluster).
     */
    RoomConnector.RoomConnection open(InviteLink link) {
        return open(link, RelayUrls.fallbacksFor(link.relay(), configuredRelays()));
    }

    /**
     * A not-yet-connected member connection for {@code link} whose state changes publish status; it fails over to
     * {@code fallbacks} (other nodes of the link's relay cluster).
     */
    RoomConnector.RoomConnection open(InviteLink link, List<URI> fallbacks) {
        return open(link, fallbacks, Transport.RELAY);
    }

    /**
     * As {@link #open(InviteLink, List)}, with direct links beside the relay when {@code transport} is
     * {@link Transport#DIRECT}.
     *
     * @throws ResponseErrorException {@code InvalidParams} if {@code transport} is LAN (not for relay links) or the
     *                                connector has no direct links
     */
    RoomConnector.RoomConnection open(InviteLink link, List<URI> fallbacks, Transport transport) {
        RoomConnector.RoomConnection rc;
        switch (transport) {
            case RELAY -> rc = connector.open(link, fallbacks, user(), color());
            case DIRECT -> {
                try {
                    rc = connector.openDirect(link, fallbacks, user(), color());
                } catch (UnsupportedOperationException e) {
                    throw SessionThread.error(ResponseErrorCode.InvalidParams, "transport direct: " + e.getMessage());
                }
            }
            default -> throw SessionThread.error(ResponseErrorCode.InvalidParams,
                    "a relay link cannot be opened over the LAN");
        }
        return watched(rc);
    }

    /** Publishes {@code rc}'s state changes and shows the refusals the user must see. */
    RoomConnector.RoomConnection watched(RoomConnector.RoomConnection rc) {
        rc.addStateListener((state, cause) -> status.changed());
        rc.addMessageListener(notices.forConnection());
        return rc;
    }

    /** The display name this member presents. */
    String user() {
        return DisplayName.resolve(config.options().userName, config.names().root());
    }

    /** The cursor colour this member presents: the configured {@code #rrggbb}, else one derived from the name. */
    String color() {
        String c = config.options().color;
        return c != null && c.matches("#[0-9a-fA-F]{6}") ? c : CursorService.colorFor(user());
    }

    /**
     * Connects and waits for the first Welcome.
     *
     * @return the Welcome, or null if the relay is unreachable and {@code allowOffline}
     * @throws org.eclipse.lsp4j.jsonrpc.ResponseErrorException {@code RequestFailed} if the relay refused, or is
     *                                                          unreachable and not {@code allowOffline}
     */
    Message.Welcome awaitWelcome(RoomConnector.RoomConnection rc, String relay, boolean allowOffline)
            throws InterruptedException {
        try {
            return rc.connect().get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RelayRejectedException rej) {
                rc.close();
                throw SessionThread.error(ResponseErrorCode.RequestFailed, "relay refused to join: " + rej.getMessage());
            }
            if (allowOffline) {
                return null;
            }
            rc.close();
            throw SessionThread.error(ResponseErrorCode.RequestFailed, "relay unreachable at " + relay + ": "
                    + (cause == null ? e.getMessage() : cause.getMessage()));
        } catch (TimeoutException e) {
            if (allowOffline) {
                return null;
            }
            rc.close();
            throw SessionThread.error(ResponseErrorCode.RequestFailed, "relay at " + relay + " did not answer within "
                    + CONNECT_TIMEOUT.toSeconds() + " s");
        }
    }

    /** A room just created on one node of a relay list: its two links and the other nodes to fail over to. */
    record CreatedRoom(InviteLink link, InviteLink readOnly, List<URI> fallbacks) {
        String id() {
            return link.room();
        }
    }

    /**
     * Creates a room on the first relay of {@code relayList} ({@code URL1,URL2,…}: nodes of one cluster,
     * docs/relay.md "Cluster") that answers.
     *
     * @return the room; its links name that node, {@code fallbacks} the others
     * @throws ResponseErrorException {@code InvalidParams} if the list is not valid, {@code RequestFailed} if no
     *         relay answers or one answers with an unusable room (never trusted from the network)
     */
    CreatedRoom createRoom(String relayList) {
        List<URI> relays;
        try {
            relays = RelayUrls.parse(relayList);
        } catch (MalformedInviteLinkException e) {
            throw SessionThread.error(ResponseErrorCode.InvalidParams, "relayUrl: " + e.getMessage());
        }
        List<String> failures = new ArrayList<>();
        for (URI candidate : relays) {
            RoomCredentials creds;
            try {
                creds = connector.createRoom(candidate);
            } catch (MalformedInviteLinkException e) {
                throw unusable(candidate, e);
            } catch (RuntimeException e) {
                failures.add(candidate + ": " + e.getMessage());
                continue;
            }
            try {
                return new CreatedRoom(new InviteLink(candidate, creds.room(), creds.secret()),
                        new InviteLink(candidate, creds.room(), creds.readOnlySecret()),
                        relays.stream().filter(u -> u != candidate).toList());
            } catch (MalformedInviteLinkException e) {
                throw unusable(candidate, e);
            }
        }
        throw SessionThread.error(ResponseErrorCode.RequestFailed, "relay unreachable at " + String.join("; ", failures));
    }

    private static ResponseErrorException unusable(URI relay, MalformedInviteLinkException e) {
        // e.g. a room id that is not one (it becomes a folder name)
        return SessionThread.error(ResponseErrorCode.RequestFailed, "relay at " + relay + " answered with an "
                + "unusable room: " + e.getMessage());
    }

    /**
     * The configured relays ({@code relayUrl} of {@code initializationOptions}, {@code URL1,URL2,…}), or an empty
     * list when none or when the setting is not a valid list (share reports that; join then has no fallbacks).
     */
    List<URI> configuredRelays() {
        String configured = config.options().relayUrl;
        if (configured == null || configured.isBlank()) {
            return List.of();
        }
        try {
            return RelayUrls.parse(configured);
        } catch (MalformedInviteLinkException e) {
            return List.of();
        }
    }

    static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}

package dev.weft.client.cli;

import dev.weft.crdt.TextDocument;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import dev.weft.client.RelayException;
import dev.weft.client.SharedDocument;
import dev.weft.sync.Message;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A connected {@link RelayClient} plus one open {@link SharedDocument}, as the CLI commands use them. */
final class RelaySession implements AutoCloseable {
    /** Options every document command accepts. */
    static final java.util.Set<String> DOC_OPTIONS = java.util.Set.of("relay", "room", "secret", "link", "doc",
            "timeout");

    /** The connection; immutable reference. */
    final RelayClient client;
    /** The Welcome of the first connection; immutable. */
    final Message.Welcome welcome;

    private RelaySession(RelayClient client, Message.Welcome welcome) {
        this.client = client;
        this.welcome = welcome;
    }

    /**
     * Connects to the room given by {@code --link} or {@code --relay/--room/--secret}.
     *
     * @throws RelayException if the relay is unreachable or refuses the secret
     */
    static RelaySession connect(Args args, Duration timeout) throws InterruptedException {
        InviteLink link;
        if (args.has("link")) {
            if (args.has("relay") || args.has("room") || args.has("secret")) {
                throw new UsageException("give either --link or --relay/--room/--secret, not both");
            }
            link = InviteLink.parse(args.required("link"));
        } else {
            link = new InviteLink(relayUri(args.required("relay")), args.required("room"), args.required("secret"));
        }
        // --relay URL1,URL2,…: the first is the link's relay, the others are fallbacks (nodes of one cluster).
        java.util.List<URI> relays = args.has("relay") ? relayUris(args.required("relay")) : java.util.List.of();
        java.util.List<URI> fallbacks = relays.size() > 1 ? relays.subList(1, relays.size()) : java.util.List.of();
        RelayClient.Options options = RelayClient.Options.of(link).withUser("weft-cli", "#888888")
                .withTimings(Duration.ofMillis(Math.min(timeout.toMillis(), 5000)), Duration.ofMillis(100),
                        Duration.ofSeconds(2), Duration.ofSeconds(10));
        RelayClient client = new RelayClient(options, fallbacks);
        Message.Welcome welcome = await(client.connect(), timeout, client,
                "relay " + link.relay() + " did not admit us within " + timeout.toSeconds() + " s");
        return new RelaySession(client, welcome);
    }

    /** Opens {@code name} on a fresh replica with a random 53-bit agent. */
    SharedDocument open(String name) {
        long agent = new SecureRandom().nextLong() & ((1L << 53) - 1);
        return SharedDocument.open(client, name, new TextDocument(agent));
    }

    /**
     * Waits for {@code future}; unwraps relay failures so their message reaches the user.
     *
     * @throws RelayException               the future's relay failure
     * @throws WeftCli.CliFailure           on timeout ({@code timeoutMessage}) or any other failure
     */
    static <T> T await(CompletableFuture<T> future, Duration timeout, AutoCloseable onFailure, String timeoutMessage)
            throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            closeQuietly(onFailure);
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new WeftCli.CliFailure(String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            closeQuietly(onFailure);
            throw new WeftCli.CliFailure(timeoutMessage);
        }
    }

    /**
     * {@code --relay URL1,URL2,…} → the URLs. @throws MalformedInviteLinkException if one is not an http(s) URL
     */
    static java.util.List<URI> relayUris(String text) {
        return dev.weft.client.relay.RelayUrls.parse(text);
    }

    /** The first of {@code --relay URL1,URL2,…}. @throws MalformedInviteLinkException if not an http(s) URL */
    static URI relayUri(String text) {
        return relayUris(text).get(0);
    }

    static Duration timeout(Args args, double defaultSeconds) {
        return Duration.ofMillis(Math.round(args.positive("timeout", defaultSeconds) * 1000));
    }

    @Override
    public void close() {
        client.close();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort on the failure path
        }
    }
}

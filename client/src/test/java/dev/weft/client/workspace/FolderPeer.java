package dev.weft.client.workspace;

import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** An in-process folder peer for tests: a workspace engine on a directory, over switchable relay connections. */
final class FolderPeer implements AutoCloseable {
    final Path dir;
    final Workspace workspace;
    final List<SwitchableChannel> channels = new CopyOnWriteArrayList<>();
    final List<RelayClient> clients = new CopyOnWriteArrayList<>();
    final List<String> notices = new CopyOnWriteArrayList<>();
    private final ChannelPool pool;

    private FolderPeer(Path dir, InviteLink link, int docsPerChannel, Duration poll, boolean remember)
            throws Exception {
        this.dir = dir;
        RelayClient.Options options = RelayClient.Options.of(link).withTimings(Duration.ofSeconds(5),
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10));
        SwitchableChannel first = channel(options);
        clients.get(0).connect().get(10, TimeUnit.SECONDS);
        pool = new ChannelPool(first, () -> {
            SwitchableChannel c = channel(options.withClientId(options.clientId() + clients.size()));
            clients.get(clients.size() - 1).connect();
            return c;
        }, docsPerChannel);
        Path noUserExcludes = dir;
        Workspace.Options o = Workspace.Options.of(dir, notices::add)
                .withRules(() -> IgnoreRules.load(noUserExcludes, Optional.empty())).withPolling(poll, true);
        workspace = Workspace.start(remember ? o.withStateFor(link.room()) : o, pool);
    }

    static FolderPeer start(Path dir, InviteLink link) throws Exception {
        return new FolderPeer(dir, link, 500, Duration.ofMillis(300), false);
    }

    static FolderPeer start(Path dir, InviteLink link, int docsPerChannel) throws Exception {
        return new FolderPeer(dir, link, docsPerChannel, Duration.ofMillis(300), false);
    }

    /** A peer that remembers its bases in {@code dir/.weft/state}, as bin/weft does. */
    static FolderPeer remembering(Path dir, InviteLink link) throws Exception {
        return new FolderPeer(dir, link, 500, Duration.ofMillis(300), true);
    }

    private SwitchableChannel channel(RelayClient.Options options) {
        RelayClient c = new RelayClient(options);
        clients.add(c);
        SwitchableChannel s = new SwitchableChannel(c);
        channels.add(s);
        return s;
    }

    void setOnline(boolean online) {
        for (SwitchableChannel c : new ArrayList<>(channels)) {
            c.setOnline(online);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            workspace.close(Duration.ofSeconds(5));
        } finally {
            pool.close();
        }
    }
}

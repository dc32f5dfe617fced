package dev.weft.client.git;

import dev.weft.client.SyncChannel;
import dev.weft.client.invite.InviteLink;
import dev.weft.client.relay.RelayClient;
import static dev.weft.client.workspace.CliFixtures.await;
import static dev.weft.client.workspace.CliFixtures.git;

import dev.weft.client.workspace.ChannelPool;
import dev.weft.client.workspace.IgnoreRules;
import dev.weft.client.workspace.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** An in-process branch-scoped folder peer for tests: a {@link BranchWorkspace} on a clone, over a real relay. */
final class BranchPeer implements AutoCloseable {
    final String name;
    final Path dir;
    final BranchWorkspace branches;
    final List<String> notices = new CopyOnWriteArrayList<>();
    private final ChannelPool pool;

    BranchPeer(String name, Path dir, InviteLink link) throws Exception {
        this.name = name;
        this.dir = dir;
        RelayClient.Options options = RelayClient.Options.of(link).withUser(name, "#888888").withTimings(
                Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(10));
        RelayClient first = new RelayClient(options);
        first.connect().get(10, TimeUnit.SECONDS);
        List<RelayClient> more = new ArrayList<>();
        pool = new ChannelPool(first, () -> {
            RelayClient c = new RelayClient(options.withClientId(options.clientId() + 1 + more.size()));
            more.add(c);
            c.connect();
            return (SyncChannel) c;
        }, 500);
        Workspace.Options o = Workspace.Options.of(dir, notices::add)
                .withRules(() -> IgnoreRules.load(dir, Optional.empty()))
                .withPolling(Duration.ofMillis(300), true);
        branches = BranchWorkspace.start(o, pool, new GitIdentity(name, name.toLowerCase() + "@example.com"));
        branches.current().settled().get(30, TimeUnit.SECONDS);
    }

    /** The engine of the branch this peer is on now. */
    Workspace workspace() {
        return branches.current();
    }

    String read(String rel) {
        try {
            Path f = dir.resolve(rel);
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    void write(String rel, String text) throws IOException {
        Path f = dir.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardCharsets.UTF_8);
    }

    /** This peer's replica of {@code rel} on its current branch (null if it has none). */
    String replica(String rel) throws Exception {
        Workspace w = workspace();
        return w == null ? null : w.replicaText(rel).get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code git ARGS} here, then waits until this peer has followed HEAD to {@code branch} and settled. */
    void checkout(String branch, String... gitArgs) throws Exception {
        int before = branches.moves();
        git(dir, gitArgs);
        await(name + " moved to " + branch, 30, () -> branches.moves() > before && branch.equals(branches.branch())
                && workspace() != null, () -> "on " + branches.branch() + ", moves " + branches.moves());
        workspace().settled().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        try {
            branches.close(Duration.ofSeconds(5));
        } finally {
            pool.close();
        }
    }
}

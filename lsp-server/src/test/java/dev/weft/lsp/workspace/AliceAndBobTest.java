package dev.weft.lsp.workspace;

import com.google.gson.JsonObject;
import dev.weft.lsp.testing.SimulatedEditor;
import dev.weft.relay.testing.RelayProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.weft.lsp.workspace.WorkspaceFixtures.editor;
import static dev.weft.lsp.workspace.WorkspaceFixtures.join;
import static dev.weft.lsp.workspace.WorkspaceFixtures.shareWorkspace;

/**
 * The cast of the shared-folder tests in which Alice shares her workspace and Bob joins it: their folders
 * {@link #a} and {@link #b}, and once a test has written Alice's files and called {@link #start}, a relay process
 * and their two language servers (in process, real relay transport), stopped after each test (Bob's, Alice's, then
 * the relay).
 */
abstract class AliceAndBobTest {
    @TempDir
    Path tmp;
    /** Alice's workspace folder {@code tmp/alice}, and Bob's {@code tmp/bob}; created by {@link #start}. */
    Path a;
    Path b;
    /** The relay and the two language servers; null before {@link #start}. */
    RelayProcess relay;
    SimulatedEditor alice;
    SimulatedEditor bob;

    @BeforeEach
    void folders() {
        a = tmp.resolve("alice");
        b = tmp.resolve("bob");
    }

    /** Starts the relay, Alice's server on {@link #a} and Bob's on {@link #b}. */
    void start() throws Exception {
        start(List.of(a));
    }

    /** Starts the relay, Alice's server on {@code aliceFolders} (a multi-root workspace) and Bob's on {@link #b}. */
    void start(List<Path> aliceFolders) throws Exception {
        start(() -> editor("alice", tmp.resolve("data-a"), aliceFolders),
                () -> editor("bob", tmp.resolve("data-b"), List.of(b)));
    }

    /** Makes one of the two language servers, for {@link #start(Server, Server)}. */
    interface Server {
        SimulatedEditor start() throws Exception;
    }

    /** Starts the relay, then Alice's and Bob's servers as {@code alice} and {@code bob} make them (other options). */
    void start(Server alice, Server bob) throws Exception {
        relay = RelayProcess.start(tmp.resolve("relay"));
        this.alice = alice.start();
        this.bob = bob.start();
    }

    /** Alice shares her workspace ({@code weft.shareWorkspace}) and Bob joins it; returns the share's result. */
    JsonObject shareAndJoin() throws Exception {
        JsonObject shared = shareWorkspace(alice, relay.url());
        join(bob, shared.get("inviteLink").getAsString());
        return shared;
    }

    @AfterEach
    void stop() {
        try {
            if (bob != null) {
                bob.close();
            }
            if (alice != null) {
                alice.close();
            }
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
    }
}

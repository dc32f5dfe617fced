package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.testing.RelayProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A relay that cannot start ends its process with a clear message instead of staying alive half-started. */
class RelayStartupFailureTest {
    @TempDir
    Path tmp;

    @Test
    void busyPortExitsNonZeroWithOneLineAndReleasesTheDatabase() throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            RelayProcess.Exited exited = RelayProcess.runUntilExit(tmp, occupied.getLocalPort(),
                    Duration.ofSeconds(30));
            assertThat(exited.exitCode()).as("exit code; log:\n%s", exited.log()).isEqualTo(1);
            assertThat(exited.log()).contains("weft-relay: cannot start: cannot listen on 127.0.0.1:"
                    + occupied.getLocalPort() + ": ");
            assertThat(exited.log()).containsIgnoringCase("address already in use");
        }
        // The database was closed cleanly: a relay on a free port opens the same data directory and works.
        try (RelayProcess relay = RelayProcess.start(tmp)) {
            relay.createRoom();
            assertThat(relay.stop()).isIn(0, 143);
        }
    }
}

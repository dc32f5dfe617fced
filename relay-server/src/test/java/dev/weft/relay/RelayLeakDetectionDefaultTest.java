package dev.weft.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.relay.testing.RelayProcess;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay process turns Netty's buffer leak detector off by default (it samples stack traces on the event loops) and
 * keeps the level an operator sets with {@code -Dio.netty.leakDetection.level}; the {@code transport.io} log line
 * reports the level Netty actually uses.
 */
class RelayLeakDetectionDefaultTest {
    @TempDir
    Path tmp;

    @Test
    void aRelayStartedWithoutALevelRunsWithLeakDetectionDisabled() throws Exception {
        try (RelayProcess relay = RelayProcess.start(tmp.resolve("default"))) {
            assertThat(relay.createRoom()).isNotNull(); // serves requests
            assertThat(relay.log()).as("the relay's transport log line")
                    .containsPattern("\"event\":\"transport\\.io\".*\"leakDetection\":\"disabled\"");
        }
    }

    @Test
    void anOperatorsLevelIsKept() throws Exception {
        try (RelayProcess relay = RelayProcess.startWithJvmArgs(tmp.resolve("paranoid"),
                "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dio.netty.leakDetection.level=paranoid")) {
            assertThat(relay.createRoom()).isNotNull();
            assertThat(relay.log()).as("the relay's transport log line")
                    .containsPattern("\"event\":\"transport\\.io\".*\"leakDetection\":\"paranoid\"");
        }
    }
}

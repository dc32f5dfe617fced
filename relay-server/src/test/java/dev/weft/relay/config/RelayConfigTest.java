package dev.weft.relay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.relay.store.SqliteStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    @Test
    void defaultsMatchTheDocumentation() {
        RelayConfig c = RelayConfig.defaults();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(7420);
        assertThat(c.dataDir()).isEqualTo(Path.of("./weft-data"));
        assertThat(c.sqliteSynchronous()).isEqualTo(SqliteStore.Synchronous.FULL);
        assertThat(c.awarenessTimeoutMillis()).isEqualTo(30_000);
        assertThat(c.roomCreateRate()).isEqualTo(30);
        assertThat(c.roomCreateBurst()).isEqualTo(60);
    }

    @Test
    void roomCreationLimitIsReadFromFlagsAndEnvironmentAndMustBePositive() {
        RelayConfig c = RelayConfig.parse(new String[] {"--room-create-rate", "0.5"},
                Map.of("WEFT_ROOM_CREATE_BURST", "5"));
        assertThat(c.roomCreateRate()).isEqualTo(0.5);
        assertThat(c.roomCreateBurst()).isEqualTo(5);
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--room-create-rate", "0"}, Map.of()))
                .hasMessageContaining("--room-create-rate must be at least 0.001");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--room-create-burst", "0"}, Map.of()))
                .hasMessageContaining("--room-create-burst must be between 1 and");
    }

    @Test
    void flagBeatsEnvironmentWhichBeatsDefault() {
        RelayConfig c = RelayConfig.parse(new String[] {"--port", "9000", "--data=/tmp/x"},
                Map.of("WEFT_PORT", "8000", "WEFT_HOST", "0.0.0.0", "WEFT_MAX_MESSAGE_BYTES", "65536"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.dataDir()).isEqualTo(Path.of("/tmp/x"));
        assertThat(c.maxMessageBytes()).isEqualTo(65536);
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--prot", "1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown flag --prot");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--port", "70000"}, Map.of()))
                .hasMessageContaining("--port must be between 0 and 65535");
        assertThatThrownBy(() -> RelayConfig.parse(new String[0], Map.of("WEFT_UPDATE_RATE", "fast")))
                .hasMessageContaining("--update-rate must be a number");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--sqlite-synchronous", "OFF"}, Map.of()))
                .hasMessageContaining("FULL or NORMAL");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"stray"}, Map.of()))
                .hasMessageContaining("unexpected argument 'stray'");
    }

    @Test
    void docsPerConnectionFollowsDocsPerRoomUnlessSet() {
        assertThat(RelayConfig.defaults().maxDocsPerConnection()).isEqualTo(RelayConfig.defaults().maxDocsPerRoom());
        RelayConfig c = RelayConfig.parse(new String[] {"--max-docs-per-room", "50000"}, java.util.Map.of());
        assertThat(c.maxDocsPerConnection()).isEqualTo(50000);
        c = RelayConfig.parse(new String[] {"--max-docs-per-connection", "3"}, java.util.Map.of());
        assertThat(c.maxDocsPerConnection()).isEqualTo(3);
    }

    @Test
    void usageListsEveryFlagWithItsVariable() {
        String usage = RelayConfig.usage();
        for (String key : RelayConfig.DEFAULTS.keySet()) {
            assertThat(usage).contains("--" + key).contains(RelayConfig.envName(key));
        }
    }

    @Test
    void storeGroupWindowDefaultsToTwoMillisecondsAndIsBounded() {
        assertThat(RelayConfig.defaults().storeGroupWindowMicros()).isEqualTo(8000);
        assertThat(RelayConfig.defaults().storeGroupWrites()).isEqualTo(64);
        RelayConfig c = RelayConfig.parse(new String[] {"--store-group-window-us", "0"},
                java.util.Map.of("WEFT_STORE_GROUP_WRITES", "8"));
        assertThat(c.storeGroupWindowMicros()).isZero();
        assertThat(c.storeGroupWrites()).isEqualTo(8);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayConfig.parse(
                new String[] {"--store-group-window-us", "-1"}, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--store-group-window-us");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayConfig.parse(
                new String[] {"--store-group-writes", "0"}, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--store-group-writes");
    }

    @Test
    void compactSpreadDefaultsToHalfAndIsBounded() {
        assertThat(RelayConfig.defaults().compactSpread()).isEqualTo(0.5);
        assertThat(RelayConfig.parse(new String[0], Map.of("WEFT_COMPACT_SPREAD", "0")).compactSpread()).isZero();
        assertThat(RelayConfig.parse(new String[] {"--compact-spread", "1.25"}, Map.of()).compactSpread())
                .isEqualTo(1.25);
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--compact-spread", "-0.1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--compact-spread");
        assertThatThrownBy(() -> RelayConfig.parse(new String[] {"--compact-spread", "5"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--compact-spread");
    }

    @Test
    void eventLoopsDefaultToNettysChoiceAndRejectNegativeCounts() {
        assertThat(RelayConfig.defaults().eventLoops()).isZero();
        assertThat(RelayConfig.parse(new String[0], java.util.Map.of("WEFT_EVENT_LOOPS", "2")).eventLoops())
                .isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RelayConfig.parse(
                new String[] {"--event-loops", "-1"}, java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--event-loops");
    }
}

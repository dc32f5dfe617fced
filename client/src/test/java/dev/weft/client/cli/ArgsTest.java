package dev.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The command-line words of one subcommand: options with values, switches and positional words. */
class ArgsTest {
    @Test
    void switchesTakeNoValueSoTheNextOptionIsNotSwallowed() {
        Args a = Args.parse(List.of("--long", "--link", "L", "dir"), Set.of("link"), Set.of("long"));
        assertThat(a.has("long")).isTrue();
        assertThat(a.required("link")).isEqualTo("L");
        assertThat(a.words()).containsExactly("dir");
    }

    @Test
    void positionalWordsKeepTheirOrderAroundOptions() {
        Args a = Args.parse(List.of("LINK", "--timeout=5", "DIR"), Set.of("timeout"), Set.of());
        assertThat(a.words()).containsExactly("LINK", "DIR");
        assertThat(a.positive("timeout", 1)).isEqualTo(5.0);
    }

    @Test
    void unknownRepeatedOrValuelessOptionsAreUsageErrors() {
        assertThatThrownBy(() -> Args.parse(List.of("--bogus", "x"), Set.of("link"), Set.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> Args.parse(List.of("--link", "a", "--link", "b"), Set.of("link"), Set.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Args.parse(List.of("--link"), Set.of("link"), Set.of()))
                .isInstanceOf(UsageException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Args.parse(List.of("--long=yes"), Set.of(), Set.of("long")))
                .isInstanceOf(UsageException.class).hasMessageContaining("takes no value");
    }

    @Test
    void theOptionsOnlyFormRefusesStrayWords() {
        assertThatThrownBy(() -> Args.parse(List.of("--relay", "r", "extra"), Set.of("relay")))
                .isInstanceOf(UsageException.class).hasMessageContaining("unexpected argument 'extra'");
        assertThat(Args.parse(List.of("--relay", "r"), Set.of("relay")).required("relay")).isEqualTo("r");
    }
}

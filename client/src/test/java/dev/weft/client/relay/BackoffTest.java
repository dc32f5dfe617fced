package dev.weft.client.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void withoutJitterDelaysDoubleUpToTheCapAndResetStartsOver() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 2.0, 0.0, 1);
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(400));
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(800));
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(1000));
        assertThat(b.attempts()).isEqualTo(6);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.nextDelay()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void jitterStaysWithinBoundsAndIsReproducibleFromTheSeed() {
        long seed = 42;
        Backoff a = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5, seed);
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 2.0, 0.5, seed);
        long base = 100;
        for (int i = 0; i < 20; i++) {
            long expectedMax = Math.min(5000, base);
            Duration d = a.nextDelay();
            assertThat(d).as("seed %d attempt %d", seed, i).isEqualTo(b.nextDelay());
            assertThat(d.toMillis()).as("seed %d attempt %d", seed, i).isBetween(expectedMax / 2, expectedMax);
            base *= 2;
        }
    }

    @Test
    void manyAttemptsNeverOverflow() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5), 10.0, 0.0, 1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(b.nextDelay()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
    }

    @Test
    void invalidParametersAreRejected() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.5, 0, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 1.5, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

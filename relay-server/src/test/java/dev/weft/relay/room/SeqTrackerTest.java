package dev.weft.relay.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTrackerTest {
    @Test
    void aSeqAboveAHoleIsAGapUntilTheHoleIsFilledByArrivalOrByReadingTheLog() {
        SeqTracker t = new SeqTracker(3);
        assertThat(t.add(4)).isTrue();
        assertThat(t.add(4)).as("duplicate").isFalse();
        assertThat(t.add(7)).isTrue();
        assertThat(t.hasGap()).isTrue();
        assertThat(t.contiguous()).isEqualTo(4);
        assertThat(t.highest()).isEqualTo(7);
        t.add(5);
        assertThat(t.contiguous()).isEqualTo(5);
        assertThat(t.hasGap()).isTrue();
        t.add(9);
        t.fillTo(6); // the log was read up to 6: 7 joins the prefix, 9 is still above a hole
        assertThat(t.contiguous()).isEqualTo(7);
        assertThat(t.has(8)).isFalse();
        assertThat(t.has(9)).isTrue();
        t.checkInvariants();
        t.fillTo(9);
        assertThat(t.hasGap()).isFalse();
        assertThat(t.contiguous()).isEqualTo(9);
        t.checkInvariants();
    }
}

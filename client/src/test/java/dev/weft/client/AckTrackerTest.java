package dev.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckTrackerTest {

    @Test
    void insertsAreAckedByVersionAndDeletesByTheMatchingAck() {
        AckTracker t = new AckTracker(0, false);
        t.connectionStarted();
        t.localEdit(3, 0); // insert 3 chars
        t.updateSent();
        t.localEdit(3, 2); // delete 2 chars
        t.updateSent();
        assertThat(t.unacked()).isEqualTo(5);
        assertThat(t.acked(3)).isTrue();
        assertThat(t.unacked()).isEqualTo(2);
        assertThat(t.deletesUnacked()).isTrue();
        assertThat(t.acked(3)).isTrue(); // the delete's ack: same version, but it answers the second update
        assertThat(t.unacked()).isZero();
    }

    /**
     * A connected tracker (version 0, no deletes yet) that sent u1 (a delete of 1 char, accepted, its ack not
     * received yet) and u2 (a delete of 1 more), and received the error refusing u2.
     */
    private static AckTracker secondDeleteRefusedBeforeTheFirstsAck() {
        AckTracker t = new AckTracker(0, false);
        t.connectionStarted();
        t.localEdit(0, 1);
        t.updateSent();
        t.localEdit(0, 2);
        t.updateSent();
        t.updateRefused();
        return t;
    }

    @Test
    void errorThatOvertakesAnEarlierAckDoesNotCountTheRefusedDeleteAsAcked() {
        AckTracker t = secondDeleteRefusedBeforeTheFirstsAck(); // u1's ack delayed by a batched commit
        assertThat(t.acked(0)).isFalse(); // u1's ack: while uncertain it cannot be matched
        assertThat(t.deletesUnacked()).isTrue();
        t.syncRequestSent();
        t.syncReplied(); // all answered: nothing owed
        t.updateSent(); // the resync diff carries every delete
        assertThat(t.acked(0)).isTrue();
        assertThat(t.unacked()).isZero();
    }

    @Test
    void afterAnErrorAcksStillOwedToOldUpdatesAreSkippedAtTheSyncReply() {
        AckTracker t = secondDeleteRefusedBeforeTheFirstsAck(); // u1's ack delayed past the SyncReply
        t.syncRequestSent();
        t.syncReplied(); // owed: 2 sent - 0 acks - 1 error = 1
        t.localEdit(0, 3);
        t.updateSent(); // the diff, carrying all 3 deletes
        assertThat(t.acked(0)).isFalse(); // u1's late ack is skipped
        assertThat(t.deletesUnacked()).isTrue();
        assertThat(t.acked(0)).isTrue(); // the diff's ack
        assertThat(t.unacked()).isZero();
    }

    @Test
    void newConnectionForgetsWhatWasInFlight() {
        AckTracker t = new AckTracker(5, true);
        assertThat(t.unacked()).isEqualTo(6); // 5 inserts and possibly deletes from an earlier session
        t.connectionStarted();
        t.updateSent();
        t.connectionStarted();
        t.syncRequestSent();
        t.syncReplied();
        t.updateSent();
        assertThat(t.acked(5)).isTrue();
        assertThat(t.unacked()).isZero();
    }
}

package dev.weft.crdt.sim;

/**
 * The replicas most hand-written scenarios start from: {@link #a} (agent 1), {@link #b} (agent 2) and {@link #c}
 * (agent 3), empty and not garbage-collecting. JUnit makes a new test instance, so new peers, for every test.
 */
public abstract class ThreePeers {
    /** Peer "a", agent 1; immutable reference. */
    protected final Peer a = new Peer("a", 1);
    /** Peer "b", agent 2; immutable reference. */
    protected final Peer b = new Peer("b", 2);
    /** Peer "c", agent 3; immutable reference. */
    protected final Peer c = new Peer("c", 3);

    /** Peer a types {@code text} into its empty document and b receives it: both then hold {@code text}. */
    protected void shareFromAToB(String text) {
        a.insert(0, text);
        b.pullFrom(a);
    }
}

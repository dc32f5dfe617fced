package dev.weft.relay.room;

import dev.weft.relay.metrics.RelayMetrics;
import dev.weft.relay.rendezvous.DirectMember;
import dev.weft.relay.rendezvous.DirectRoutes;
import dev.weft.sync.ErrorCode;
import dev.weft.sync.Message;
import dev.weft.sync.Role;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client connection's state in the relay.
 *
 * <p>{@link #peer}, {@link #rate} and {@link #metrics} are immutable; {@link #state} may be read from any thread;
 * the join fields ({@link #room}, {@link #role}, {@link #clientId}, {@link #userName}) are written once by the
 * room's executor before the session is published as {@link JoinState#JOINED}; {@link #subscriptions} is touched
 * only on the room's executor.
 */
public final class Session implements DirectMember {
    /** Where the session is in the join handshake. */
    public enum JoinState { NEW, JOINING, JOINED, CLOSED }

    /** Sending side of the connection; immutable. */
    final Peer peer;
    /** Per-client message rate limit; immutable. */
    final TokenBucket rate;
    /** Metrics to count errors in; immutable. */
    private final RelayMetrics metrics;
    /** Handshake state; any thread. */
    final AtomicReference<JoinState> state = new AtomicReference<>(JoinState.NEW);
    /** The room this session joins or joined (set when the Hello is accepted for processing). */
    volatile Room room;
    /** Role granted on join. */
    volatile Role role;
    /** Client id from Hello. */
    volatile long clientId;
    /** User name from Hello (for logs). */
    volatile String userName;
    /** Documents this session synced and therefore receives updates and awareness for; room executor only. */
    final Set<String> subscriptions = new HashSet<>();
    /** Senders whose updates this member receives over direct links; room executor only. */
    private final DirectRoutes directRoutes = new DirectRoutes();

    public Session(Peer peer, TokenBucket rate, RelayMetrics metrics) {
        this.peer = peer;
        this.rate = rate;
        this.metrics = metrics;
    }

    /** Current handshake state. */
    public JoinState state() {
        return state.get();
    }

    /** The session's rate limiter. */
    public TokenBucket rate() {
        return rate;
    }

    @Override
    public long directClientId() {
        return clientId;
    }

    @Override
    public boolean directEditor() {
        return role == Role.EDITOR;
    }

    @Override
    public DirectRoutes directRoutes() {
        return directRoutes;
    }

    /** Sends {@code message}. */
    @Override
    public void send(Message message) {
        peer.send(Outgoing.of(message));
    }

    /** Sends an error (counted in metrics); closes the connection if the code is fatal. */
    public void sendError(ErrorCode code, String message, String doc) {
        metrics.error(code);
        send(new Message.Error(code, message, doc));
        if (code.isFatal()) {
            state.set(JoinState.CLOSED);
            peer.close();
        }
    }

    /** Log description. */
    public String describe() {
        return peer.describe();
    }
}

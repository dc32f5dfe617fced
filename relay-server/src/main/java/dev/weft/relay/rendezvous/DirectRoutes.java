package dev.weft.relay.rendezvous;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The senders whose updates one member receives over a direct link ({@code docs/protocol.md}, "Direct connections"):
 * the member added a sender with {@code Signal(UP)} and removes it with {@code Signal(DOWN)}. The relay leaves that
 * member out when it forwards a {@code DirectUpdate} from a sender in this set whose skip list names the member.
 * Confined to the room's executor, like every session field the room touches.
 */
public final class DirectRoutes {
    /** Client ids whose direct links to this member are up; room executor only. */
    private final Set<Long> upFrom = new HashSet<>();

    /** The member's direct link from {@code sender} is up. */
    public void up(long sender) {
        upFrom.add(sender);
    }

    /** The member's direct link from {@code sender} is down (no-op if it was not up). */
    public void down(long sender) {
        upFrom.remove(sender);
    }

    /** True if the member said its link from {@code sender} is up. */
    public boolean isUp(long sender) {
        return upFrom.contains(sender);
    }

    /**
     * Whether the relay leaves {@code receiver} out of the fan-out of an update from {@code senderClientId} with
     * skip list {@code skip}: only if the sender delivered it directly (the receiver is in {@code skip}) and the
     * receiver confirmed that link (so a straggler that arrives after the receiver's {@code DOWN} is forwarded).
     */
    public static boolean skips(List<Long> skip, long senderClientId, DirectMember receiver) {
        return !skip.isEmpty() && skip.contains(receiver.directClientId())
                && receiver.directRoutes().isUp(senderClientId);
    }
}

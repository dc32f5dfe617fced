package dev.weft.relay.store;

/**
 * Whether storage accepts writes, as last observed by the {@link BatchingWriter}: every commit and every recovery
 * probe reports its outcome here; {@code /healthz} reads it. Thread-safe (one volatile snapshot).
 *
 * <p>States and events:
 * <pre>
 *   state \\ event | commit or probe ok | commit or probe failed
 *   OK            | OK                 | FAILING (reason, since = now)
 *   FAILING       | OK                 | FAILING (reason updated, since kept)
 * </pre>
 */
public final class StorageHealth {
    /** Storage state. */
    public enum State { OK, FAILING }

    /**
     * One observation; immutable.
     *
     * @param state        OK, or FAILING while writes fail
     * @param reason       the latest failure's message ("" when OK)
     * @param sinceMillis  when the current state began (epoch ms)
     */
    public record Status(State state, String reason, long sinceMillis) {
    }

    /** The current status; replaced whole. */
    private volatile Status status = new Status(State.OK, "", System.currentTimeMillis());

    /** The current status. */
    public Status current() {
        return status;
    }

    /** True while writes fail. */
    public boolean failing() {
        return status.state() == State.FAILING;
    }

    /** A commit or probe failed with {@code reason}. @return true if this began a failure (state was OK) */
    boolean failed(String reason) {
        Status before = status;
        boolean began = before.state() == State.OK;
        status = new Status(State.FAILING, reason, began ? System.currentTimeMillis() : before.sinceMillis());
        return began;
    }

    /** A commit or probe succeeded. @return true if this ended a failure */
    boolean succeeded() {
        if (status.state() == State.OK) {
            return false;
        }
        status = new Status(State.OK, "", System.currentTimeMillis());
        return true;
    }
}

/**
 * Rooms, their members and their documents' server-side replicas.
 *
 * <p>Threading: each {@link dev.weft.relay.room.Room} owns a {@link dev.weft.relay.room.SerialExecutor}; its members
 * set, documents (replicas), subscriptions and awareness table are touched only by tasks on that executor. Socket.IO
 * event threads only decode messages and hand them over; storage commits run on the
 * {@link dev.weft.relay.store.BatchingWriter} thread, whose completions send acks.
 */
package dev.weft.relay.room;

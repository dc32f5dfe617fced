/**
 * Rooms, their members and their documents' server-side replicas.
 *
 * <p>Threading: each {@link dev.weft.relay.room.Room} owns a {@link dev.weft.relay.room.SerialExecutor}; its members
 * set, documents (replicas), subscriptions and awareness table are touched only by tasks on that executor. Socket.IO
 * event threads decode messages and hand them over; updates and awareness (short, never blocking on storage) run
 * on the event thread itself when the room's executor is idle, still serialised with the room's other tasks
 * ({@link dev.weft.relay.room.SerialExecutor#executeInlineIfIdle}). Storage commits run on the
 * {@link dev.weft.relay.store.BatchingWriter} thread, whose completions send acks.
 */
package dev.weft.relay.room;

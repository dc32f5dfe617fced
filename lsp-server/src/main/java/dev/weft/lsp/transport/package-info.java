/**
 * The client side of the relay transport (Contract 3): a {@link dev.weft.lsp.transport.RelayClient} holds one
 * Socket.IO connection to a relay room and reconnects with backoff; a {@link dev.weft.lsp.transport.SharedDocument}
 * binds one CRDT replica to that connection and runs the sync algorithm of {@code docs/protocol.md} on every
 * (re)connect; {@link dev.weft.lsp.transport.RoomApi} creates rooms over HTTP and
 * {@link dev.weft.lsp.transport.InviteLink} parses and formats {@code weft://join} links.
 *
 * <p>Threading: Socket.IO callbacks run on the Socket.IO event thread; every {@code SharedDocument} hands them to
 * its own serial executor, so the replica is only ever touched from that executor.
 */
package dev.weft.lsp.transport;

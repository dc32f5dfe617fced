/**
 * Weft's sync protocol: the messages exchanged between clients (language server, headless client) and the relay,
 * and their binary codec.
 *
 * <p>Vocabulary: a <em>room</em> holds named <em>documents</em>; a client joins a room with {@link
 * dev.weft.sync.Message.Hello} and a secret; documents are synchronised by exchanging {@link
 * dev.weft.crdt.model.VersionVector versions} and CRDT <em>updates</em>; an <em>ack</em> names the version the relay
 * holds in durable storage; <em>awareness</em> is ephemeral presence (cursors, selections) kept last-writer-wins
 * per client. The wire format is specified in {@code docs/protocol.md}; {@link dev.weft.sync.MessageCodec} is its
 * reference implementation.
 */
package dev.weft.sync;

/**
 * The client-side sync engine, independent of any editor and of any transport: a {@link
 * dev.weft.client.SharedDocument} binds one CRDT replica to a {@link dev.weft.client.SyncChannel} (the transport
 * interface) and runs the sync algorithm of {@code docs/protocol.md} ("Session") on every (re)connect;
 * {@link dev.weft.client.AckTracker} keeps what the other side has made durable;
 * {@link dev.weft.client.RoomStateCheck} compares the replica with the relay's ({@code docs/protocol.md}, "State
 * check") so that a replica that diverged at an equal version is noticed and replaced. The relay implementation of the
 * channel is {@link dev.weft.client.relay}; invite links are {@link dev.weft.client.invite}; the offline journal
 * is {@link dev.weft.client.journal}; presence (who else is in a document, their cursors) is
 * {@link dev.weft.client.presence}; the headless {@code bin/weft} is {@link dev.weft.client.cli}.
 *
 * <p>Package dependencies point one way: {@code cli → relay, invite, journal → this package → dev.weft.sync,
 * dev.weft.crdt}. This package never names a concrete transport, so a LAN peer or a second relay node is a second
 * {@code SyncChannel}, not a fork.
 *
 * <p>Threading: transport callbacks run on the transport's own thread; every {@code SharedDocument} hands them to
 * its own serial executor, so the replica is only ever touched from that executor.
 */
package dev.weft.client;

/**
 * The relay transport: {@link dev.weft.client.relay.RelayClient} is the {@link dev.weft.client.SyncChannel} over one
 * Socket.IO connection to a relay room, reconnecting with {@link dev.weft.client.relay.Backoff}; {@link
 * dev.weft.client.relay.RoomApi} creates rooms over HTTP ({@code docs/protocol.md}, "Transport").
 */
package dev.weft.client.relay;

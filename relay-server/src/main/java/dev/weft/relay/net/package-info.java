/**
 * The relay's network side on one port: Socket.IO (netty-socketio) for the sync protocol on event {@code "weft"},
 * and plain HTTP routes ({@code POST /api/rooms}, {@code GET /healthz}, {@code GET /metrics}) in a Netty handler
 * placed in front of netty-socketio's.
 */
package dev.weft.relay.net;

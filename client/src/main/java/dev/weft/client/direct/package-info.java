/**
 * Direct connections between members of a relay room ({@code docs/protocol.md}, "Direct connections"): the relay
 * is the rendezvous, authenticator and durable copy; members that can reach each other (same LAN, or through NAT by
 * UDP hole punching) also send their updates over an encrypted QUIC stream, and the relay leaves them out of its
 * fan-out. {@link dev.weft.client.direct.DirectChannel} is the {@link dev.weft.client.SyncChannel} front ends use.
 */
package dev.weft.client.direct;

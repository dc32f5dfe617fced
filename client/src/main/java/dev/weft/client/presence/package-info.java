/**
 * Presence: who else is in a shared document and where their cursors are, and what we announce about ourselves.
 * The one home of presence state on the client side: {@link dev.weft.client.presence.Presence} holds, per shared
 * document, every other member's latest awareness (last writer wins by clock, removal wins, expiry) and our own
 * state; {@link dev.weft.client.presence.PresenceState} is the awareness JSON front ends publish
 * ({@code docs/protocol.md}, "Awareness state").
 *
 * <p>This package depends on nothing else in {@code dev.weft.client}; {@code SharedDocument} owns one
 * {@code Presence} and feeds it the transport's {@code Awareness} messages.
 */
package dev.weft.client.presence;

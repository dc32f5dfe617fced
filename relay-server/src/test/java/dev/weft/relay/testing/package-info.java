/**
 * Reusable helpers for tests and benchmarks that need a real relay: {@link dev.weft.relay.testing.RelayProcess}
 * (the relay as a separate JVM process on a free port with its own data directory; SIGTERM/SIGKILL/restart) and
 * protocol-level clients over the Java socket.io-client 2.1.2 ({@link dev.weft.relay.testing.JavaWeftClient}) and
 * the official Node socket.io-client ({@link dev.weft.relay.testing.NodeWeftClient}). Other modules use them via
 * the {@code weft-relay} test-jar.
 */
package dev.weft.relay.testing;

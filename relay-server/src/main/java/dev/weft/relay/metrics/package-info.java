/** Relay counters and their Prometheus text exposition ({@code GET /metrics}). */
package dev.weft.relay.metrics;

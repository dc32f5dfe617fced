/**
 * The offline journal: per room and document, the replica and its unsent updates on the local disk, so closing
 * an editor while offline loses nothing ({@code docs/user-guide.md}, §6 "Offline and restarts").
 */
package dev.weft.client.journal;

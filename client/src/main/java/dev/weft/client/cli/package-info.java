/**
 * The headless command-line client {@code bin/weft} ({@link dev.weft.client.cli.WeftCli}): create a room, print a
 * document, or type an editing trace into a document through a relay. Built on the sync engine in {@link dev.weft.client} and its relay transport {@link dev.weft.client.relay}.
 */
package dev.weft.client.cli;

/**
 * The headless command-line client {@code bin/weft} ({@link dev.weft.lsp.cli.WeftCli}): create a room, print a
 * document, or type an editing trace into a document through a relay. Built on {@link dev.weft.lsp.transport}.
 */
package dev.weft.lsp.cli;

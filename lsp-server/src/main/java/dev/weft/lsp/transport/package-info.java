/**
 * The language server's stdio transport: guards on the LSP byte stream before LSP4J reads it.
 */
package dev.weft.lsp.transport;

/**
 * The binary update format (docs/crdt-format.md): {@link dev.weft.crdt.codec.UpdateWriter} encodes,
 * {@link dev.weft.crdt.codec.UpdateDecoder} decodes and validates completely before any replica is touched.
 */
package dev.weft.crdt.codec;

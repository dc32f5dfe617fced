package dev.weft.crdt.model;

import java.util.List;

/**
 * The result of one local edit on a {@code TextDocument}.
 *
 * @param update   the encoded update to send to other replicas (contains exactly this edit)
 * @param inserted ids of the characters this edit created (empty for deletes)
 * @param deleted  ids of the characters this edit deleted (empty for inserts)
 * @param changes  the positional changes the edit made to this replica's text, in order
 */
public record LocalEdit(byte[] update, IdSet inserted, IdSet deleted, List<TextChange> changes) {
}

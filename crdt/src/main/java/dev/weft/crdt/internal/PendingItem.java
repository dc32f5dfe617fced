package dev.weft.crdt.internal;

/**
 * A received item run that could not be integrated yet (its agent's earlier seqs or one of its origins are
 * missing), kept with global agent ids until its dependencies arrive. Immutable.
 *
 * @param agent      inserting agent (global id)
 * @param seq        seq of the first character
 * @param len        number of characters
 * @param olAgent    originLeft agent (global id), -1 for the document start
 * @param olSeq      originLeft seq
 * @param orAgent    originRight agent (global id), -1 for the document end
 * @param orSeq      originRight seq
 * @param flags      {@link ItemTable#DELETED} / {@link ItemTable#GC}
 * @param content    array holding the characters (shared with the decoded update), null if GC
 * @param contentOff offset of the first character in {@code content}
 */
record PendingItem(long agent, int seq, int len, long olAgent, int olSeq, long orAgent, int orSeq, byte flags,
                   char[] content, int contentOff) {
}

/**
 * The rules by which a name that came from the network (a room id, a document name) may become a path on the
 * user's disk: {@link dev.weft.client.paths.PathRules}. Every front end that writes a peer's files goes through it.
 * {@link dev.weft.client.paths.AtomicReplace} is how a written file takes its place (journal, folder mirror).
 * Depends on the JDK only.
 */
package dev.weft.client.paths;

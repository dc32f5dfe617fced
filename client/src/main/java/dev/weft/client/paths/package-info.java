/**
 * The rules by which a name that came from the network (a room id, a document name) may become a path on the
 * user's disk: {@link dev.weft.client.paths.PathRules}. Every front end that writes a peer's files goes through it.
 * Depends on the JDK only.
 */
package dev.weft.client.paths;

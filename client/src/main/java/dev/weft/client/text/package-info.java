/**
 * Text diffing shared by every front end: {@link dev.weft.client.text.MinimalDiff} turns a whole-text replacement
 * (a reload, a formatter, a full-sync editor, a file changed on disk) into the few replacements that differ, so
 * concurrent edits and cursors elsewhere in the text survive.
 */
package dev.weft.client.text;

/**
 * Invite links ({@code weft://join?relay=…&room=…&secret=…} and the {@code vscode://} form) and the room
 * credentials they carry; the grammar is in {@code docs/user-guide.md} §4 "Join" and tested by {@code InviteLinkTest}.
 */
package dev.weft.client.invite;

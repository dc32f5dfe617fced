/**
 * Messages of the language server's `weft/…` extensions (`docs/protocol.md`, "Language server protocol
 * extensions") as TypeScript types. Types only; the server owns
 * the behaviour. Pure module (no `vscode` import).
 */

/** LSP position: zero-based line and UTF-16 character offset. */
export interface Position {
  line: number;
  character: number;
}

/** A selection as the server sends and receives it: `active` is the caret. */
export interface WireSelection {
  anchor: Position;
  active: Position;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface Participant {
  clientId: string | number;
  name: string;
  color: string;
  /** The document the participant is in, if any. */
  uri?: string;
  /** The participant's git e-mail (used in Co-authored-by trailers), when their presence carries one. */
  email?: string;
}

/** Payload of the `weft/status` notification and the result of the `weft.status` command. */
export interface WeftStatus {
  state: ConnectionState;
  room?: string;
  role?: string;
  unsent: number;
  paused: boolean;
  repairs: number;
  inviteLink?: string;
  readOnlyInviteLink?: string;
  participants: Participant[];
  /** How this member reaches the room: `relay`, `direct` or `lan`. */
  transport?: string;
  /** `direct`: members linked directly now. */
  directPeers?: number;
  /** `lan`: the TCP port this member's node listens on. */
  lanPort?: number;
}

export interface RemoteCursor {
  clientId: string | number;
  name: string;
  color: string;
  selections: WireSelection[];
}

/** Payload of `weft/remoteCursors`: the full list for one document; an empty list clears it. */
export interface RemoteCursorsParams {
  uri: string;
  cursors: RemoteCursor[];
}

/** Payload of the `weft/selection` notification (client → server). */
export interface SelectionParams {
  uri: string;
  version: number;
  selections: WireSelection[];
}

export interface VerifyParams {
  uri: string;
  version: number;
  sha256: string;
}

export interface VerifyResult {
  ok: boolean;
  repaired: boolean;
  repairs: number;
}

export interface ShareResult {
  room: string;
  inviteLink: string;
  readOnlyInviteLink?: string;
  /** `relay`, `direct` or `lan`. */
  transport?: string;
  /** LAN: the port this member's node listens on (others may give it as a peer where multicast is blocked). */
  lanPort?: number;
}

export interface JoinResult {
  room: string;
  documents: string[];
  /** Set when the room is a shared workspace (files follow on disk; the Explorer shows them). */
  workspace?: boolean;
  /** Shared workspace: live files once this disk matched the room. */
  files?: number;
  /** Shared workspace: the local folders mirrored. */
  folders?: string[];
}

/** Result of `weft.shareWorkspace`. */
export interface WorkspaceShareResult extends ShareResult {
  workspace: true;
  files: number;
  folders: string[];
  /** Files left out here, "path  (reason)". */
  leftOut: string[];
}

export const DISCONNECTED: WeftStatus = Object.freeze({
  state: 'disconnected',
  unsent: 0,
  paused: false,
  repairs: 0,
  participants: [],
}) as WeftStatus;

/** Whether a status describes an active session (the `weft.inSession` context key). */
export function inSession(s: WeftStatus): boolean {
  return s.state !== 'disconnected' && s.room !== undefined && s.room !== '';
}

/** Whether the room admitted the local user read-only (the server says "read-only"; the wire enum READ_ONLY). */
export function isReadOnly(s: WeftStatus): boolean {
  return inSession(s) && typeof s.role === 'string' && s.role.toLowerCase().replace('_', '-') === 'read-only';
}

/** Normalises a status received from the server, filling defaults so the UI never sees undefined fields. */
export function normalizeStatus(raw: Partial<WeftStatus> | null | undefined): WeftStatus {
  if (raw === null || raw === undefined || typeof raw !== 'object') {
    return { ...DISCONNECTED, participants: [] };
  }
  return {
    state: raw.state ?? 'disconnected',
    room: raw.room ?? undefined,
    role: raw.role ?? undefined,
    unsent: typeof raw.unsent === 'number' ? raw.unsent : 0,
    paused: raw.paused === true,
    repairs: typeof raw.repairs === 'number' ? raw.repairs : 0,
    inviteLink: raw.inviteLink ?? undefined,
    readOnlyInviteLink: raw.readOnlyInviteLink ?? undefined,
    participants: Array.isArray(raw.participants) ? raw.participants : [],
    transport: typeof raw.transport === 'string' ? raw.transport : undefined,
    directPeers: typeof raw.directPeers === 'number' ? raw.directPeers : 0,
    lanPort: typeof raw.lanPort === 'number' ? raw.lanPort : 0,
  };
}

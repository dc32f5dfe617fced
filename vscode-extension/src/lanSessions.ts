/**
 * LAN and direct transports in VS Code (`docs/vscode.md`, "LAN sessions and direct links"): the `weft.transport`
 * setting, `weft://lan?…` links, the links remembered for the "Join LAN Session…" picker and the picker's items
 * built from the server's `weft.lanSessions` answer. Pure module (no `vscode` import) so it is unit-tested without
 * an editor.
 */
import { InvalidInviteLinkError } from './inviteLink';
import { settingList } from './relayUrls';

/** How `weft.share` reaches a new room (the server's `transport`). */
export type Transport = 'relay' | 'direct' | 'lan';

export const TRANSPORTS: readonly Transport[] = ['relay', 'direct', 'lan'];

/** The `weft.transport` setting as the server's `transport`; anything else than a known value gives `relay`. */
export function transportSetting(value: unknown): Transport {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (TRANSPORTS as readonly string[]).includes(v) ? (v as Transport) : 'relay';
}

/**
 * The `weft.lanPeers` setting (a list, or one comma-separated string of `host:port`) as the server's `lanPeers`
 * (`host:port,…`); entries trimmed, blanks and repeats dropped; undefined when empty. The server checks each entry.
 */
export function lanPeersSetting(value: unknown): string | undefined {
  const parts = settingList(value);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** A LAN invitation: `weft://lan?room=<room>&secret=<editor secret>` or `…&readOnlySecret=<reader secret>`. */
export interface LanLink {
  readonly room: string;
  readonly secret: string;
  /** True for the editor secret. */
  readonly editor: boolean;
}

const LAN_PREFIX = 'weft://lan?';
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether `text` is meant as a LAN link (so callers pick this parser rather than the relay link's). */
export function isLanLink(text: string): boolean {
  return typeof text === 'string' && text.trim().toLowerCase().startsWith(LAN_PREFIX);
}

/**
 * Parses a LAN link (the grammar of the server's `LanLink.java`).
 *
 * @throws InvalidInviteLinkError naming what is wrong.
 */
export function parseLanLink(text: string): LanLink {
  const t = (text ?? '').trim();
  if (!isLanLink(t)) {
    throw new InvalidInviteLinkError(`A LAN link starts with ${LAN_PREFIX}`);
  }
  const params = new URLSearchParams(t.slice(LAN_PREFIX.length));
  const repeated = ['room', 'secret', 'readOnlySecret'].filter((k) => params.getAll(k).length > 1);
  if (repeated.length > 0) {
    throw new InvalidInviteLinkError(`The LAN link repeats ${repeated.join(', ')}.`);
  }
  const room = (params.get('room') ?? '').trim();
  if (!ROOM_ID.test(room)) {
    throw new InvalidInviteLinkError(room === '' ? 'The LAN link has no room.'
      : `The LAN link's room "${room.slice(0, 60)}" is not a room id (1-64 of A-Z, a-z, 0-9, _ and -).`);
  }
  const editor = (params.get('secret') ?? '').trim();
  const reader = (params.get('readOnlySecret') ?? '').trim();
  if ((editor === '') === (reader === '')) {
    throw new InvalidInviteLinkError('The LAN link needs exactly one of secret and readOnlySecret.');
  }
  return { room, secret: editor !== '' ? editor : reader, editor: editor !== '' };
}

/** Formats the canonical form the server accepts. */
export function formatLanLink(link: LanLink): string {
  const q = new URLSearchParams({ room: link.room, [link.editor ? 'secret' : 'readOnlySecret']: link.secret });
  return LAN_PREFIX + q.toString();
}

/** Most LAN links remembered for the picker. */
export const MAX_REMEMBERED = 20;

/**
 * `links` with `link` first (canonical form; the editor link replaces the read-only one of the same room, never the
 * other way round), at most {@link MAX_REMEMBERED}. Entries that are not LAN links are dropped.
 */
export function rememberLanLink(links: readonly unknown[], link: string): string[] {
  const parsed = parseLanLink(link);
  const out: LanLink[] = [];
  let keep = parsed;
  for (const l of links) {
    let p: LanLink;
    try {
      p = parseLanLink(String(l));
    } catch {
      continue;
    }
    if (p.room === parsed.room) {
      if (p.editor && !keep.editor) {
        keep = p;
      }
      continue;
    }
    out.push(p);
  }
  return [keep, ...out].slice(0, MAX_REMEMBERED).map(formatLanLink);
}

/** One entry of the server's `weft.lanSessions` answer (`docs/protocol.md`, "LAN sessions in editors"). */
export interface LanSession {
  tag: string;
  label?: string;
  peers: string[];
  known: boolean;
  room?: string;
  link?: string;
  current?: boolean;
}

/** A quick-pick entry for one session. */
export interface LanSessionItem {
  label: string;
  description: string;
  detail: string;
  session: LanSession;
}

/**
 * The picker's entries: known rooms first (their room id, and whether the remembered link edits or only reads),
 * then the others by label; a session without a label is shown by its tag. The room this window is in is left out.
 */
export function lanSessionItems(sessions: readonly LanSession[]): LanSessionItem[] {
  return sessions
    .filter((s) => s && typeof s.tag === 'string' && !s.current)
    .map((s) => {
      const peers = Array.isArray(s.peers) ? s.peers : [];
      const title = s.label ? `$(broadcast) ${s.label}` : `$(broadcast) Weft session ${s.tag.slice(0, 8)}`;
      let description: string;
      if (s.known && s.room) {
        const role = s.link && isLanLink(s.link) && !safeParse(s.link)?.editor ? 'read-only link' : 'your link';
        description = `room ${s.room} — ${role}`;
      } else {
        description = 'needs its LAN link';
      }
      return { label: title, description, detail: `${peers.length} peer${peers.length === 1 ? '' : 's'}: ${peers.join(', ')}`, session: s };
    })
    .sort((a, b) => Number(b.session.known) - Number(a.session.known) || a.label.localeCompare(b.label));
}

/** The `weft.join` argument for a picked session: the link and the session's peers to dial at once. */
export function lanJoinArgs(session: LanSession, link: string): { link: string; peers: string[] } {
  return { link: formatLanLink(parseLanLink(link)), peers: Array.isArray(session.peers) ? [...session.peers] : [] };
}

function safeParse(link: string): LanLink | undefined {
  try {
    return parseLanLink(link);
  } catch {
    return undefined;
  }
}

/**
 * Invite links as defined by the team's sync contract: `weft://join?relay=<url>&room=<room>&secret=<secret>`.
 * VS Code also receives the same query through `vscode://weft.weft-vscode/join?…` (the URI handler).
 * Pure module (no `vscode` import) so it is unit-tested without an editor.
 */

/** The three parts of an invite link; all non-empty. Immutable. */
export interface InviteLink {
  /** Relay base URL, e.g. `http://127.0.0.1:7420`. */
  readonly relay: string;
  /** Room identifier assigned by the relay. */
  readonly room: string;
  /** Editor or read-only secret for the room. */
  readonly secret: string;
}

/** Thrown when a string is not a usable invite link; the message names the missing or malformed part. */
export class InvalidInviteLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInviteLinkError';
  }
}

/** A room id as relays issue them; it becomes a folder name on the joiner's disk, so nothing else is accepted. */
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const ACCEPTED = 'weft://join?…, vscode://weft.weft-vscode/join?… or a bare relay=…&room=…&secret=… query';

/**
 * Parses a pasted invite link.
 *
 * Accepts `weft://join?…`, `vscode://weft.weft-vscode/join?…` (any `*://weft.weft-vscode/join?…` scheme, so
 * VS Code forks work too), surrounding whitespace, and the bare query. The relay must be an http(s) URL; values are
 * trimmed; a repeated parameter is an error. The same grammar as the language server's (`InviteLink.java`): both
 * test suites read `docs/test-vectors/invite-links.json`.
 *
 * @throws InvalidInviteLinkError naming what is wrong; never returns a partial link.
 */
export function parseInviteLink(text: string): InviteLink {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') {
    throw new InvalidInviteLinkError('The invite link is empty; expected ' + ACCEPTED + '.');
  }
  return fromQuery(extractQuery(trimmed));
}

/** Builds an invite link from the query of a URI handled by VS Code's URI handler (path must be `/join`). */
export function parseJoinUri(path: string, query: string): InviteLink {
  if (path.replace(/\/+$/, '') !== '/join') {
    throw new InvalidInviteLinkError(`Unsupported Weft URI path "${path}"; only /join is handled.`);
  }
  return fromQuery(query);
}

/** Formats the canonical `weft://join?…` form that the language server's `weft.join` accepts. */
export function formatInviteLink(link: InviteLink): string {
  const q = new URLSearchParams({ relay: link.relay, room: link.room, secret: link.secret });
  return 'weft://join?' + q.toString();
}

/** Formats the `vscode://weft.weft-vscode/join?…` form that opens VS Code and joins directly. */
export function formatVscodeUri(link: InviteLink, scheme = 'vscode'): string {
  const q = new URLSearchParams({ relay: link.relay, room: link.room, secret: link.secret });
  return `${scheme}://weft.weft-vscode/join?` + q.toString();
}

function extractQuery(text: string): string {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/.exec(text);
  if (m === null) {
    if (/^[^:/\s]*=/.test(text)) {
      return text.replace(/^\?/, '');
    }
    throw new InvalidInviteLinkError(`"${shorten(text)}" is not an invite link; expected ${ACCEPTED}.`);
  }
  const [, scheme, authority, path = '', query] = m;
  if (scheme.toLowerCase() === 'weft') {
    // weft://join?… (authority "join"); tolerate weft:///join?… too.
    const target = authority !== '' ? authority + path : path.replace(/^\//, '');
    if (target.replace(/\/+$/, '') !== 'join') {
      throw new InvalidInviteLinkError(`Unsupported weft:// link target "${target}"; expected weft://join?….`);
    }
  } else if (authority.toLowerCase() === 'weft.weft-vscode') {
    if (path.replace(/\/+$/, '') !== '/join') {
      throw new InvalidInviteLinkError(`Unsupported link path "${path}"; expected ${scheme}://weft.weft-vscode/join?….`);
    }
  } else {
    throw new InvalidInviteLinkError(`"${scheme}://${authority}" links are not Weft invites; expected ${ACCEPTED}.`);
  }
  if (query === undefined || query === '') {
    throw new InvalidInviteLinkError('The invite link has no query; it needs relay, room and secret.');
  }
  return query;
}

function fromQuery(query: string): InviteLink {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch (e) {
    throw new InvalidInviteLinkError(`The invite link's query is malformed: ${(e as Error).message}`);
  }
  const repeated = ['relay', 'room', 'secret'].filter((k) => params.getAll(k).length > 1);
  if (repeated.length > 0) {
    throw new InvalidInviteLinkError(`The invite link repeats ${repeated.join(', ')}.`);
  }
  const missing = ['relay', 'room', 'secret'].filter((k) => (params.get(k) ?? '').trim() === '');
  if (missing.length > 0) {
    throw new InvalidInviteLinkError(`The invite link is missing ${missing.join(', ')}.`);
  }
  const relay = params.get('relay')!.trim();
  let relayUrl: URL;
  try {
    relayUrl = new URL(relay);
  } catch {
    throw new InvalidInviteLinkError(`The invite link's relay "${shorten(relay)}" is not a URL.`);
  }
  if (relayUrl.protocol !== 'http:' && relayUrl.protocol !== 'https:') {
    throw new InvalidInviteLinkError(`The invite link's relay must be http(s), got "${relayUrl.protocol}".`);
  }
  const room = params.get('room')!.trim();
  if (!ROOM_ID.test(room)) {
    throw new InvalidInviteLinkError(`The invite link's room "${shorten(room)}" is not a room id (1-64 of A-Z, a-z, 0-9, _ and -).`);
  }
  return { relay, room, secret: params.get('secret')!.trim() };
}

function shorten(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '…' : s;
}

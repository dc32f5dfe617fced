/**
 * The status bar's text and tooltip for a server status. Pure module (no `vscode` import).
 */
import { WeftStatus, inSession, isReadOnly } from './protocol';

export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** Whether the item should use the warning background. */
  warning: boolean;
}

/**
 * Presents a status: connection state (connected / connecting / reconnecting / offline with N unsent), the
 * participant count, a "read-only" marker (joined with the read-only link) and a "paused" marker. The server lists
 * the *other* members (those whose presence it has seen), so the count adds the local user.
 */
export function presentStatus(s: WeftStatus): StatusPresentation {
  if (!inSession(s)) {
    return { text: '$(broadcast) Weft', tooltip: 'Weft: not in a session — click to share or join', warning: false };
  }
  const n = s.participants.length + 1;
  const people = `$(person) ${n}`;
  const markers = (s.transport === 'lan' ? ' LAN' : '') + (isReadOnly(s) ? ' $(lock) read-only' : '')
    + (s.paused ? ' $(debug-pause) paused' : '');
  const unsent = s.unsent > 0 ? ` (${s.unsent} unsent)` : '';
  let text: string;
  let warning = s.paused;
  switch (s.state) {
    case 'connected':
      text = `$(broadcast) Weft ${people}${unsent}${markers}`;
      break;
    case 'connecting':
      text = `$(sync~spin) Weft: connecting${unsent}${markers}`;
      break;
    case 'reconnecting':
      text = `$(sync~spin) Weft: reconnecting${unsent} ${people}${markers}`;
      warning = true;
      break;
    case 'offline':
      text = `$(cloud-offline) Weft: offline${s.unsent > 0 ? `, ${s.unsent} unsent` : ''} ${people}${markers}`;
      warning = true;
      break;
    default:
      text = `$(broadcast) Weft ${people}${markers}`;
  }
  const lines = [
    `Weft room ${s.room}${s.role ? ` (${s.role.toLowerCase().replace('_', '-')})` : ''}: ${s.state}`,
    `${n} participant${n === 1 ? '' : 's'}: ${['you', ...s.participants.map((p) => p.name)].join(', ')}`,
  ];
  if (s.transport === 'lan') {
    lines.push(`On the local network, no relay${s.lanPort ? ` (listening on port ${s.lanPort})` : ''}`);
  } else if (s.transport === 'direct') {
    const d = s.directPeers ?? 0;
    lines.push(`Direct links to ${d} member${d === 1 ? '' : 's'}; the relay keeps the durable copy`);
  }
  if (s.unsent > 0) {
    lines.push(`${s.unsent} local change${s.unsent === 1 ? '' : 's'} not yet acknowledged by the ${s.transport === 'lan' ? 'local node' : 'relay'}`);
  }
  if (isReadOnly(s)) {
    lines.push('Read-only: you see every change live but cannot edit');
  }
  if (s.paused) {
    lines.push('Incoming changes are paused');
  }
  if (s.repairs > 0) {
    lines.push(`${s.repairs} repair${s.repairs === 1 ? '' : 's'} after a hash mismatch`);
  }
  lines.push('Click for the session menu');
  return { text, tooltip: lines.join('\n'), warning };
}

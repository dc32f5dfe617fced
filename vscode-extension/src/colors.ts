/**
 * Participant colours: the default colour for the local user and the CSS derived from a participant's colour.
 * Pure module (no `vscode` import).
 */

/** Distinct, readable-on-dark-and-light colours used when the user configured none. Immutable. */
export const PALETTE: readonly string[] = Object.freeze([
  '#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080',
  '#f032e6', '#9a6324', '#800000', '#808000', '#000075', '#2f9e9e',
]);

const HEX = /^#[0-9a-fA-F]{6}$/;

/** Whether `c` is a `#rrggbb` colour. */
export function isHexColor(c: unknown): c is string {
  return typeof c === 'string' && HEX.test(c);
}

/**
 * The local user's colour: the configured one if it is `#rrggbb`, otherwise a palette entry chosen by a stable
 * hash of the name, so the same person gets the same colour in every session.
 *
 * Postcondition: the result is a lower-case `#rrggbb`.
 */
export function assignColor(configured: string | undefined, userName: string): string {
  if (isHexColor(configured)) {
    return configured.toLowerCase();
  }
  return PALETTE[fnv1a(userName) % PALETTE.length];
}

/**
 * A colour safe to put into CSS for a remote participant: the participant's colour if valid, else a palette
 * colour derived from its client id (the server should always send one; this guards against bad input).
 */
export function participantColor(color: unknown, clientId: string | number): string {
  return isHexColor(color) ? color.toLowerCase() : PALETTE[fnv1a(String(clientId)) % PALETTE.length];
}

/** `#rrggbb` plus an alpha in [0,1] as `#rrggbbaa`, used for selection backgrounds. */
export function withAlpha(color: string, alpha: number): string {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return color.slice(0, 7) + a.toString(16).padStart(2, '0');
}

/** 32-bit FNV-1a over the UTF-16 code units; stable across runs and platforms. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The `weft.relayUrl` setting: one relay URL, or several nodes of one relay cluster, as an array or as one
 * comma-separated string. The language server takes them as `URL1,URL2,…` (`docs/relay.md`, "Cluster") and fails
 * over between them; it also reports malformed entries, so this only normalises.
 */
export const DEFAULT_RELAY_URL = 'http://127.0.0.1:7420';

/**
 * The setting's value as the server's `relayUrl`: entries trimmed, empty ones dropped, joined with `,`.
 * Anything else (unset, empty, a non-string) gives {@link DEFAULT_RELAY_URL}.
 */
export function relayUrlSetting(value: unknown): string {
  const parts = settingList(value);
  return parts.length > 0 ? parts.join(',') : DEFAULT_RELAY_URL;
}

/**
 * A list setting given as an array of strings or as one comma-separated string: entries trimmed, empty ones and
 * repeats dropped, non-strings ignored.
 */
export function settingList(value: unknown): string[] {
  const parts: string[] = [];
  const add = (s: string) => {
    for (const p of s.split(',')) {
      const t = p.trim();
      if (t !== '' && !parts.includes(t)) {
        parts.push(t);
      }
    }
  };
  if (typeof value === 'string') {
    add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v === 'string') {
        add(v);
      }
    }
  }
  return parts;
}

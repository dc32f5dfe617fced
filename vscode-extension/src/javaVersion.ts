/**
 * Parsing `java -version` output. Pure module (no `vscode` import).
 */

/** The oldest Java feature release the Weft server runs on. */
export const MIN_JAVA = 17;

/**
 * The feature release ("major") from the output of `java -version` (which prints to stderr), e.g.
 * `openjdk version "17.0.15" 2025-04-15` → 17, `java version "1.8.0_292"` → 8, `openjdk version "21" …` → 21,
 * `openjdk version "23-ea"` → 23. Returns undefined when no version line is present.
 */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version\s+"([^"]+)"/.exec(output);
  if (m === null) {
    return undefined;
  }
  const v = m[1];
  const parts = /^(\d+)(?:\.(\d+))?/.exec(v);
  if (parts === null) {
    return undefined;
  }
  const first = Number(parts[1]);
  if (first === 1 && parts[2] !== undefined) {
    return Number(parts[2]); // legacy 1.x numbering: 1.8 is Java 8
  }
  return first;
}

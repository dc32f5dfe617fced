/**
 * Finding a Java 17+ runtime: the `weft.java.home` setting, then `JAVA_HOME`, then `java` on `PATH`.
 * No `vscode` import: the caller passes the setting and environment, so the search order is unit-tested.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MIN_JAVA, parseJavaMajor } from './javaVersion';

/** A usable Java executable. */
export interface JavaRuntime {
  executable: string;
  major: number;
  /** Where it was found: "weft.java.home", "JAVA_HOME" or "PATH". */
  source: string;
}

/** Thrown when no Java 17+ was found; the message says what was tried and what to install. */
export class JavaNotFoundError extends Error {
  constructor(readonly tried: string[]) {
    super(
      `Weft needs Java ${MIN_JAVA} or newer to run its language server, but none was found` +
        (tried.length > 0 ? ` (tried: ${tried.join('; ')})` : '') +
        `. Install a Java ${MIN_JAVA}+ runtime (for example "apt install openjdk-17-jre-headless", ` +
        `"brew install openjdk@17", or Eclipse Temurin 17 from adoptium.net), then set "weft.java.home" ` +
        `to its folder or JAVA_HOME, and reload the window.`,
    );
    this.name = 'JavaNotFoundError';
  }
}

/** Runs `<java> -version` and returns its combined output (Java prints the version on stderr). */
export type VersionProbe = (executable: string) => Promise<string>;

export const probeJavaVersion: VersionProbe = (executable) =>
  new Promise((resolve, reject) => {
    execFile(executable, ['-version'], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err) {
        reject(err);
      } else {
        resolve(`${stderr}\n${stdout}`);
      }
    });
  });

export interface JavaSearchInput {
  /** Value of the `weft.java.home` setting (may be empty). */
  settingHome?: string;
  env: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  probe?: VersionProbe;
  exists?: (p: string) => boolean;
}

/**
 * Finds the first Java ≥ 17 in the order setting → JAVA_HOME → PATH.
 *
 * @throws JavaNotFoundError listing each candidate and why it was rejected (missing, too old, not runnable).
 */
export async function findJava(input: JavaSearchInput): Promise<JavaRuntime> {
  const platform = input.platform ?? process.platform;
  const exe = platform === 'win32' ? 'java.exe' : 'java';
  const exists = input.exists ?? defaultExists;
  const probe = input.probe ?? probeJavaVersion;
  const candidates: { executable: string; source: string }[] = [];
  const tried: string[] = [];
  const home = (input.settingHome ?? '').trim();
  if (home !== '') {
    candidates.push({ executable: path.join(home, 'bin', exe), source: 'weft.java.home' });
  }
  const javaHome = (input.env.JAVA_HOME ?? '').trim();
  if (javaHome !== '') {
    candidates.push({ executable: path.join(javaHome, 'bin', exe), source: 'JAVA_HOME' });
  }
  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of (input.env.PATH ?? input.env.Path ?? '').split(sep)) {
    if (dir.trim() !== '') {
      const candidate = path.join(dir, exe);
      if (exists(candidate)) {
        candidates.push({ executable: candidate, source: 'PATH' });
        break; // the first java on PATH is the one a shell would run
      }
    }
  }
  for (const c of candidates) {
    if (!exists(c.executable)) {
      tried.push(`${c.source}: ${c.executable} does not exist`);
      continue;
    }
    let output: string;
    try {
      output = await probe(c.executable);
    } catch (e) {
      tried.push(`${c.source}: ${c.executable} -version failed (${(e as Error).message})`);
      continue;
    }
    const major = parseJavaMajor(output);
    if (major === undefined) {
      tried.push(`${c.source}: ${c.executable} printed no version`);
    } else if (major < MIN_JAVA) {
      tried.push(`${c.source}: ${c.executable} is Java ${major}`);
    } else {
      return { executable: c.executable, major, source: c.source };
    }
  }
  if (!candidates.some((c) => c.source === 'PATH')) {
    tried.push('no java on PATH');
  }
  throw new JavaNotFoundError(tried);
}

function defaultExists(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

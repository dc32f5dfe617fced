import { strict as assert } from 'assert';
import * as path from 'path';
import { describe, it } from 'node:test';
import { findJava, JavaNotFoundError } from '../javaFinder';
import { parseJavaMajor } from '../javaVersion';

describe('java -version parsing', () => {
  it('reads modern, legacy and early-access version strings', () => {
    assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)'), 17);
    assert.equal(parseJavaMajor('java version "1.8.0_292"\nJava(TM) SE Runtime Environment'), 8);
    assert.equal(parseJavaMajor('openjdk version "21" 2023-09-19'), 21);
    assert.equal(parseJavaMajor('openjdk version "23-ea" 2024-09-17'), 23);
    assert.equal(parseJavaMajor('java version "11.0.2" 2019-01-15 LTS'), 11);
    assert.equal(parseJavaMajor('Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "25.0.1" 2025-10-21'), 25);
  });

  it('returns undefined when there is no version line', () => {
    assert.equal(parseJavaMajor(''), undefined);
    assert.equal(parseJavaMajor('bash: java: command not found'), undefined);
    assert.equal(parseJavaMajor('version "abc"'), undefined);
  });
});

describe('Java discovery order', () => {
  const versions: Record<string, string> = {
    [path.join('/set', 'bin', 'java')]: 'openjdk version "21.0.1"',
    [path.join('/jh', 'bin', 'java')]: 'openjdk version "17.0.2"',
    [path.join('/old', 'bin', 'java')]: 'java version "1.8.0_292"',
    [path.join('/usr/bin', 'java')]: 'openjdk version "17.0.15"',
  };
  const exists = (p: string) => p in versions;
  const probe = async (p: string) => versions[p];
  const env = (o: Record<string, string>) => o as NodeJS.ProcessEnv;

  it('prefers the weft.java.home setting, then JAVA_HOME, then PATH', async () => {
    const base = { exists, probe, platform: 'linux' as const };
    assert.equal((await findJava({ ...base, settingHome: '/set', env: env({ JAVA_HOME: '/jh', PATH: '/usr/bin' }) })).source, 'weft.java.home');
    assert.equal((await findJava({ ...base, env: env({ JAVA_HOME: '/jh', PATH: '/usr/bin' }) })).source, 'JAVA_HOME');
    const r = await findJava({ ...base, env: env({ PATH: '/nope:/usr/bin' }) });
    assert.deepEqual(r, { executable: path.join('/usr/bin', 'java'), major: 17, source: 'PATH' });
  });

  it('skips a too-old or missing candidate and falls through', async () => {
    const r = await findJava({ exists, probe, platform: 'linux', settingHome: '/missing', env: env({ JAVA_HOME: '/old', PATH: '/usr/bin' }) });
    assert.equal(r.source, 'PATH');
  });

  it('explains what was tried and what to install when nothing fits', async () => {
    await assert.rejects(
      findJava({ exists, probe, platform: 'linux', env: env({ JAVA_HOME: '/old', PATH: '/nope' }) }),
      (e: unknown) => {
        assert.ok(e instanceof JavaNotFoundError);
        const m = (e as Error).message;
        assert.match(m, /Java 17 or newer/);
        assert.match(m, /JAVA_HOME: .*java is Java 8/);
        assert.match(m, /no java on PATH/);
        assert.match(m, /openjdk-17/);
        return true;
      },
    );
  });

  it('reports a java that cannot run instead of crashing', async () => {
    const failing = async () => {
      throw new Error('EACCES');
    };
    await assert.rejects(
      findJava({ exists, probe: failing, platform: 'linux', env: env({ PATH: '/usr/bin' }) }),
      /-version failed \(EACCES\)/,
    );
  });
});

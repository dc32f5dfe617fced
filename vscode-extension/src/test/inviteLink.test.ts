import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { formatInviteLink, formatVscodeUri, InvalidInviteLinkError, parseInviteLink, parseJoinUri } from '../inviteLink';

const RELAY = 'http://127.0.0.1:7420';

describe('invite links', () => {
  it('parses the canonical weft:// link with an encoded relay', () => {
    const l = parseInviteLink('weft://join?relay=http%3A%2F%2F127.0.0.1%3A7420&room=r1&secret=s3cr3t');
    assert.deepEqual(l, { relay: RELAY, room: 'r1', secret: 's3cr3t' });
  });

  it('accepts surrounding whitespace and a newline from a paste', () => {
    const l = parseInviteLink('  weft://join?relay=http%3A%2F%2Fh%3A1&room=a&secret=b\n');
    assert.deepEqual(l, { relay: 'http://h:1', room: 'a', secret: 'b' });
  });

  it('accepts the vscode:// URI-handler form and other VS Code schemes', () => {
    for (const scheme of ['vscode', 'vscode-insiders', 'code-oss']) {
      const l = parseInviteLink(`${scheme}://weft.weft-vscode/join?relay=${encodeURIComponent(RELAY)}&room=r&secret=s`);
      assert.deepEqual(l, { relay: RELAY, room: 'r', secret: 's' });
    }
  });

  it('accepts a bare query', () => {
    assert.equal(parseInviteLink('relay=http%3A%2F%2Fx%3A2&room=r&secret=s').relay, 'http://x:2');
    assert.equal(parseInviteLink('?relay=http%3A%2F%2Fx%3A2&room=r&secret=s').room, 'r');
  });

  it('round-trips through format, including secrets with reserved characters', () => {
    const link = { relay: 'https://relay.example.com:8443/base', room: 'Room_1-x', secret: 'a+b&c=d%' };
    assert.deepEqual(parseInviteLink(formatInviteLink(link)), link);
    assert.deepEqual(parseInviteLink(formatVscodeUri(link)), link);
    assert.ok(formatInviteLink(link).startsWith('weft://join?relay=https%3A%2F%2F'));
  });

  it('names the missing parts', () => {
    assert.throws(() => parseInviteLink('weft://join?relay=http%3A%2F%2Fh&room=r'), /missing secret/);
    assert.throws(() => parseInviteLink('weft://join?room=r'), /missing relay, secret/);
    assert.throws(() => parseInviteLink('weft://join?relay=http%3A%2F%2Fh&room=&secret=s'), /missing room/);
  });

  it('rejects empty input, other hosts, other targets and non-http relays with typed errors', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['   ', /empty/],
      ['https://example.com/?relay=x&room=r&secret=s', /not Weft invites/],
      ['weft://leave?relay=x&room=r&secret=s', /Unsupported weft:\/\/ link target "leave"/],
      ['vscode://weft.weft-vscode/share?relay=x', /Unsupported link path "\/share"/],
      ['weft://join', /no query/],
      ['weft://join?relay=ftp%3A%2F%2Fh&room=r&secret=s', /must be http\(s\)/],
      ['weft://join?relay=not-a-url&room=r&secret=s', /is not a URL/],
      ['hello world', /is not an invite link/],
    ];
    for (const [input, msg] of cases) {
      assert.throws(() => parseInviteLink(input), (e: unknown) => e instanceof InvalidInviteLinkError && msg.test((e as Error).message), input);
    }
  });

  it('parses the URI handler path and query', () => {
    assert.deepEqual(parseJoinUri('/join', `relay=${encodeURIComponent(RELAY)}&room=r&secret=s`), { relay: RELAY, room: 'r', secret: 's' });
    assert.throws(() => parseJoinUri('/share', 'relay=x'), InvalidInviteLinkError);
  });
});

describe('invite links: the vectors shared with the language server (docs/test-vectors/invite-links.json)', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const vectors = JSON.parse(require('fs').readFileSync(require('path').resolve(__dirname, '../../../docs/test-vectors/invite-links.json'), 'utf8')) as {
    accept: { input: string; relay: string; room: string; secret: string }[];
    reject: string[];
  };

  it('accepts every accepted vector with the same parts', () => {
    assert.ok(vectors.accept.length > 5);
    for (const v of vectors.accept) {
      assert.deepEqual(parseInviteLink(v.input), { relay: v.relay, room: v.room, secret: v.secret }, v.input);
    }
  });

  it('rejects every rejected vector with a typed error', () => {
    assert.ok(vectors.reject.length > 5);
    for (const input of vectors.reject) {
      assert.throws(() => parseInviteLink(input), (e: unknown) => e instanceof InvalidInviteLinkError, JSON.stringify(input));
    }
  });
});

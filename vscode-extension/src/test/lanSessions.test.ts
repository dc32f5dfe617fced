import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { InvalidInviteLinkError } from '../inviteLink';
import {
  formatLanLink, isLanLink, lanJoinArgs, lanPeersSetting, LanSession, lanSessionItems, MAX_REMEMBERED, parseLanLink,
  rememberLanLink, transportSetting,
} from '../lanSessions';

const EDITOR = 'weft://lan?room=lan-0a1b2c3d4e5f&secret=Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4';
const READER = 'weft://lan?room=lan-0a1b2c3d4e5f&readOnlySecret=cmVhZGVyc2VjcmV0MTI';

describe('weft.transport setting', () => {
  it('passes relay, direct and lan through, case and blanks ignored', () => {
    assert.equal(transportSetting('lan'), 'lan');
    assert.equal(transportSetting(' Direct '), 'direct');
    assert.equal(transportSetting('relay'), 'relay');
  });

  it('falls back to relay for anything else', () => {
    for (const v of [undefined, '', 'p2p', 42, null, ['lan']]) {
      assert.equal(transportSetting(v), 'relay');
    }
  });
});

describe('weft.lanPeers setting', () => {
  it('joins a list or a comma-separated string, without blanks or repeats', () => {
    assert.equal(lanPeersSetting(['10.0.0.2:7000', ' ', '10.0.0.3:7000', '10.0.0.2:7000']), '10.0.0.2:7000,10.0.0.3:7000');
    assert.equal(lanPeersSetting('a:1, b:2,'), 'a:1,b:2');
    assert.equal(lanPeersSetting([]), undefined);
    assert.equal(lanPeersSetting(7), undefined);
  });
});

describe('LAN links', () => {
  it('parses the editor and the read-only link and formats them back', () => {
    const e = parseLanLink(`  ${EDITOR} `);
    assert.deepEqual(e, { room: 'lan-0a1b2c3d4e5f', secret: 'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4', editor: true });
    assert.equal(formatLanLink(e), EDITOR);
    const r = parseLanLink(READER);
    assert.equal(r.editor, false);
    assert.equal(formatLanLink(r), READER);
    assert.ok(isLanLink(EDITOR));
    assert.ok(!isLanLink('weft://join?relay=http%3A%2F%2Fh&room=r&secret=s'));
  });

  it('refuses links without exactly one secret, with a bad room or repeated parameters', () => {
    const bad = [
      'weft://join?room=r&secret=s',
      'weft://lan?room=r',
      'weft://lan?room=r&secret=a&readOnlySecret=b',
      'weft://lan?room=../etc&secret=a',
      'weft://lan?secret=a',
      'weft://lan?room=r&room=q&secret=a',
    ];
    for (const b of bad) {
      assert.throws(() => parseLanLink(b), InvalidInviteLinkError, b);
    }
  });
});

describe('remembered LAN links', () => {
  it('puts the newest first, keeps the editor link of a room over its read-only link, drops non-LAN entries', () => {
    const other = 'weft://lan?room=lan-ffffffffffff&secret=b3RoZXI';
    let links = rememberLanLink([], READER);
    assert.deepEqual(links, [READER]);
    links = rememberLanLink([...links, 'garbage', 7], other);
    assert.deepEqual(links, [other, READER]);
    links = rememberLanLink(links, EDITOR);
    assert.deepEqual(links, [EDITOR, other]);
    links = rememberLanLink(links, READER);
    assert.deepEqual(links, [EDITOR, other], 'a read-only link never replaces the editor link');
  });

  it('keeps at most MAX_REMEMBERED', () => {
    let links: string[] = [];
    for (let i = 0; i < MAX_REMEMBERED + 5; i++) {
      links = rememberLanLink(links, `weft://lan?room=lan-${i}&secret=s${i}`);
    }
    assert.equal(links.length, MAX_REMEMBERED);
    assert.equal(parseLanLink(links[0]).room, `lan-${MAX_REMEMBERED + 4}`);
  });
});

describe('Join LAN Session picker', () => {
  const sessions: LanSession[] = [
    { tag: '00112233aabbccdd', peers: ['10.0.0.9:4000'], known: false },
    { tag: '1111111111111111', label: "Ada's thesis", peers: ['10.0.0.2:4100', '10.0.0.3:4200'], known: false },
    { tag: '2222222222222222', peers: ['10.0.0.4:4300'], known: true, room: 'lan-0a1b2c3d4e5f', link: READER },
    { tag: '3333333333333333', peers: ['10.0.0.5:4400'], known: true, room: 'lan-aaaaaaaaaaaa', link: EDITOR, current: true },
  ];

  it('lists known rooms first, then labelled ones, and leaves out the room this window is in', () => {
    const items = lanSessionItems(sessions);
    assert.deepEqual(items.map((i) => i.session.tag), ['2222222222222222', '1111111111111111', '00112233aabbccdd']);
    assert.equal(items[0].description, 'room lan-0a1b2c3d4e5f — read-only link');
    assert.equal(items[1].label, "$(broadcast) Ada's thesis");
    assert.equal(items[1].description, 'needs its LAN link');
    assert.equal(items[1].detail, '2 peers: 10.0.0.2:4100, 10.0.0.3:4200');
    assert.equal(items[2].label, '$(broadcast) Weft session 00112233');
  });

  it('joins a picked session with its peers and the canonical link', () => {
    assert.deepEqual(lanJoinArgs(sessions[1], ` ${EDITOR}`), { link: EDITOR, peers: ['10.0.0.2:4100', '10.0.0.3:4200'] });
    assert.throws(() => lanJoinArgs(sessions[1], 'weft://join?room=r&secret=s'), InvalidInviteLinkError);
  });
});

import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { normalizeStatus, WeftStatus } from '../protocol';
import { presentStatus } from '../statusText';

const base: WeftStatus = normalizeStatus({
  state: 'connected',
  room: 'r1',
  role: 'EDITOR',
  participants: [
    { clientId: 1, name: 'Alice', color: '#e6194b' },
    { clientId: 2, name: 'Bob', color: '#3cb44b' },
  ],
});

describe('status bar text', () => {
  it('shows an idle item outside a session', () => {
    assert.equal(presentStatus(normalizeStatus(undefined)).text, '$(broadcast) Weft');
    assert.equal(presentStatus(normalizeStatus({ state: 'connected' })).text, '$(broadcast) Weft');
  });

  it('shows connected with the participant count, the local user included', () => {
    const p = presentStatus(base);
    assert.equal(p.text, '$(broadcast) Weft $(person) 3');
    assert.match(p.tooltip, /3 participants: you, Alice, Bob/);
    assert.equal(presentStatus({ ...base, participants: [] }).text, '$(broadcast) Weft $(person) 1');
    assert.equal(p.warning, false);
  });

  it('shows offline with the number of unsent changes, as a warning', () => {
    const p = presentStatus({ ...base, state: 'offline', unsent: 3 });
    assert.equal(p.text, '$(cloud-offline) Weft: offline, 3 unsent $(person) 3');
    assert.equal(p.warning, true);
    assert.match(p.tooltip, /3 local changes not yet acknowledged/);
  });

  it('shows reconnecting and paused', () => {
    assert.match(presentStatus({ ...base, state: 'reconnecting' }).text, /reconnecting/);
    const paused = presentStatus({ ...base, paused: true });
    assert.match(paused.text, /paused/);
    assert.equal(paused.warning, true);
  });

  it('marks a read-only member in the text and the tooltip', () => {
    const p = presentStatus({ ...base, role: 'read-only' });
    assert.equal(p.text, '$(broadcast) Weft $(person) 3 $(lock) read-only');
    assert.match(p.tooltip, /\(read-only\)/);
    assert.match(p.tooltip, /cannot edit/);
    assert.equal(presentStatus({ ...base, role: 'READ_ONLY', paused: true }).text, '$(broadcast) Weft $(person) 3 $(lock) read-only $(debug-pause) paused');
    assert.doesNotMatch(presentStatus({ ...base, role: 'editor' }).text, /read-only/);
  });

  it('marks a LAN room and says which port its node listens on', () => {
    const p = presentStatus(normalizeStatus({ ...base, transport: 'lan', lanPort: 41234 }));
    assert.equal(p.text, '$(broadcast) Weft $(person) 3 LAN');
    assert.match(p.tooltip, /On the local network, no relay \(listening on port 41234\)/);
  });

  it('counts the direct links of a direct session', () => {
    const p = presentStatus(normalizeStatus({ ...base, transport: 'direct', directPeers: 2 }));
    assert.equal(p.text, '$(broadcast) Weft $(person) 3');
    assert.match(p.tooltip, /Direct links to 2 members; the relay keeps the durable copy/);
    assert.doesNotMatch(presentStatus(base).tooltip, /Direct links|local network/);
  });

  it('normalises partial server input', () => {
    const s = normalizeStatus({ state: 'connected', room: 'x', unsent: 'many' as any, participants: null as any });
    assert.deepEqual([s.unsent, s.paused, s.repairs, s.participants], [0, false, 0, []]);
  });
});

import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { DEFAULT_RELAY_URL, relayUrlSetting } from '../relayUrls';

describe('weft.relayUrl setting', () => {
  it('passes one URL through', () => {
    assert.equal(relayUrlSetting('https://relay.example'), 'https://relay.example');
  });

  it('joins a list of cluster nodes with commas, trimmed, without blanks or repeats', () => {
    assert.equal(relayUrlSetting([' http://n1:7420', '', 'http://n2:7420 ', 'http://n1:7420']),
      'http://n1:7420,http://n2:7420');
    assert.equal(relayUrlSetting('http://n1:7420 , http://n2:7420,'), 'http://n1:7420,http://n2:7420');
  });

  it('falls back to the default relay when unset, empty or not a string list', () => {
    assert.equal(relayUrlSetting(undefined), DEFAULT_RELAY_URL);
    assert.equal(relayUrlSetting(''), DEFAULT_RELAY_URL);
    assert.equal(relayUrlSetting([]), DEFAULT_RELAY_URL);
    assert.equal(relayUrlSetting([' ', 7]), DEFAULT_RELAY_URL);
    assert.equal(relayUrlSetting(42), DEFAULT_RELAY_URL);
  });
});

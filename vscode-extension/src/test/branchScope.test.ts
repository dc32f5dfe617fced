import { strict as assert } from 'assert';
import { describe, it } from 'node:test';
import { shareWorkspaceArgs } from '../branchScope';

describe('branch-scoped Share Workspace', () => {
  it('shares every folder without branch scope', () => {
    assert.deepEqual(shareWorkspaceArgs('http://r', ['file:///a', 'file:///b'], false),
      { relayUrl: 'http://r', folders: ['file:///a', 'file:///b'] });
  });

  it('asks for branch scope and shares only the first folder with it', () => {
    assert.deepEqual(shareWorkspaceArgs('http://r', ['file:///a', 'file:///b'], true),
      { relayUrl: 'http://r', folders: ['file:///a'], branches: true });
  });

  it('shares on the LAN with no relay URL when the transport is lan', () => {
    assert.deepEqual(shareWorkspaceArgs('http://r', ['file:///a', 'file:///b'], false, true),
      { transport: 'lan', folders: ['file:///a', 'file:///b'] });
    assert.deepEqual(shareWorkspaceArgs('http://r', ['file:///a', 'file:///b'], true, true),
      { transport: 'lan', folders: ['file:///a'], branches: true });
  });
});

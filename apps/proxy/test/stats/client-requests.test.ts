import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_NAMES, OTHER_CLIENTS, Stats } from '../../src/stats/stats.js';

describe('Stats.recordClient', () => {
  it('counts per name, sorted by name, and folds names past the bound into one row', () => {
    const stats = new Stats(() => 0);
    stats.recordClient('web');
    stats.recordClient('ci');
    stats.recordClient('web');
    expect(stats.clients()).toEqual([
      { name: 'ci', requests: 1 },
      { name: 'web', requests: 2 },
    ]);
    for (let i = 0; i < MAX_CLIENT_NAMES + 5; i++) stats.recordClient(`k${String(i).padStart(3, '0')}`);
    const clients = stats.clients();
    expect(clients).toHaveLength(MAX_CLIENT_NAMES + 1);
    expect(clients.find((c) => c.name === OTHER_CLIENTS)?.requests).toBe(7);
    // A name already counted keeps counting under its own name.
    stats.recordClient('web');
    expect(stats.clients().find((c) => c.name === 'web')?.requests).toBe(3);
  });
});

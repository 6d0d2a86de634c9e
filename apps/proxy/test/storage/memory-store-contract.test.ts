import { MemoryStore } from '../../src/storage/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memory', (clock) =>
  Promise.resolve({
    store: new MemoryStore({ maxEntries: 1000, maxBytes: 10_000_000, clock: clock.now }),
    clock,
    close: () => Promise.resolve(),
  }),
);

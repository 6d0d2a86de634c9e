import { describe, expect, it } from 'vitest';
import { API_KEY_STORAGE_ITEM, createApiKeyStore, type KeyStorage } from '../../src/lib/api-key-store';

function memoryStorage(initial: Record<string, string> = {}): KeyStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (name) => items.get(name) ?? null,
    setItem: (name, value) => void items.set(name, value),
    removeItem: (name) => void items.delete(name),
  };
}

describe('api key store', () => {
  it('starts with the key of this tab, without a prompt', () => {
    const store = createApiKeyStore(memoryStorage({ [API_KEY_STORAGE_ITEM]: 'k1' }));
    expect(store.getState()).toEqual({ key: 'k1', prompt: 'none' });
  });

  it('asks for a key when a request without one is refused', () => {
    const store = createApiKeyStore(memoryStorage());
    store.refused(null);
    expect(store.getState()).toEqual({ key: null, prompt: 'required' });
  });

  it('keeps a submitted key in storage, and forgets it when the proxy refuses it', () => {
    const storage = memoryStorage();
    const store = createApiKeyStore(storage);
    store.refused(null);
    store.submit('  wrong  ');
    expect(store.getState()).toEqual({ key: 'wrong', prompt: 'none' });
    expect(storage.items.get(API_KEY_STORAGE_ITEM)).toBe('wrong');

    store.refused('wrong');
    expect(store.getState()).toEqual({ key: null, prompt: 'rejected' });
    expect(storage.items.has(API_KEY_STORAGE_ITEM)).toBe(false);

    store.submit('right');
    expect(store.getState()).toEqual({ key: 'right', prompt: 'none' });
  });

  it('forgets the key on request and asks for one again', () => {
    const storage = memoryStorage({ [API_KEY_STORAGE_ITEM]: 'k1' });
    const store = createApiKeyStore(storage);
    let notified = 0;
    store.subscribe(() => notified++);
    store.forget();
    expect(store.getState()).toEqual({ key: null, prompt: 'required' });
    expect(storage.items.has(API_KEY_STORAGE_ITEM)).toBe(false);
    expect(notified).toBe(1);
  });

  it('ignores refusals of a key that was replaced meanwhile', () => {
    const store = createApiKeyStore(memoryStorage());
    store.refused(null);
    store.submit('new');
    store.refused(null);
    expect(store.getState()).toEqual({ key: 'new', prompt: 'none' });
  });

  it('notifies subscribers of every change until they unsubscribe', () => {
    const store = createApiKeyStore(memoryStorage());
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    store.refused(null);
    store.refused(null);
    store.submit('k');
    unsubscribe();
    store.refused('k');
    expect(calls).toBe(2);
  });
});

/** Where the admin API key is kept: this tab's sessionStorage, never localStorage. */
export const API_KEY_STORAGE_ITEM = 'caching-proxy.admin-api-key';

/** Why the dashboard asks for a key: none needed so far, none sent, or the one sent was refused. */
export type KeyPrompt = 'none' | 'required' | 'rejected';

export interface ApiKeyState {
  readonly key: string | null;
  readonly prompt: KeyPrompt;
}

/** Functions, not methods: React takes them as callbacks (useSyncExternalStore, onSubmit). */
export interface ApiKeyStore {
  getState: () => ApiKeyState;
  subscribe: (listener: () => void) => () => void;
  /** The key the user entered: kept and used from now on. */
  submit: (key: string) => void;
  /** The user asked to forget the key (a shared computer): removed from storage, asked for again. */
  forget: () => void;
  /** The proxy answered 401 to a request sent with `sentKey` (null: sent without a key). */
  refused: (sentKey: string | null) => void;
}

export type KeyStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The admin API key and whether to ask for it, observable by React (useSyncExternalStore). */
export function createApiKeyStore(storage: KeyStorage): ApiKeyStore {
  let state: ApiKeyState = { key: storage.getItem(API_KEY_STORAGE_ITEM), prompt: 'none' };
  const listeners = new Set<() => void>();

  function update(next: ApiKeyState): void {
    state = next;
    for (const listener of listeners) listener();
  }

  return {
    getState: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    submit: (key) => {
      const trimmed = key.trim();
      storage.setItem(API_KEY_STORAGE_ITEM, trimmed);
      update({ key: trimmed, prompt: 'none' });
    },
    forget: () => {
      storage.removeItem(API_KEY_STORAGE_ITEM);
      update({ key: null, prompt: 'required' });
    },
    refused: (sentKey) => {
      // A refusal of a key that was replaced meanwhile says nothing about the current one.
      if (sentKey !== state.key || state.prompt !== 'none') return;
      storage.removeItem(API_KEY_STORAGE_ITEM);
      update({ key: null, prompt: sentKey === null ? 'required' : 'rejected' });
    },
  };
}

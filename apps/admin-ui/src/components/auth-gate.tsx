import { useSyncExternalStore, type ReactNode } from 'react';
import type { ApiKeyStore } from '../lib/api-key-store';
import { ApiKeyPrompt } from './api-key-prompt';

/** Shows the pages, or the key prompt once the proxy answered 401 (and again after each refusal). */
export function AuthGate({ keys, children }: { keys: ApiKeyStore; children: ReactNode }) {
  const { prompt } = useSyncExternalStore(keys.subscribe, keys.getState);
  if (prompt === 'none') return children;
  return <ApiKeyPrompt rejected={prompt === 'rejected'} onSubmit={keys.submit} />;
}

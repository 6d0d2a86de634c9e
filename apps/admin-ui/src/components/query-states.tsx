import type { ReactNode } from 'react';
import { describeError } from '../lib/trpc-error';

export function Loading({ what }: { what: string }) {
  return (
    <p className="notice" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error, title }: { error: unknown; title: string }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}.</strong> {describeError(error)}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="notice notice-empty">{children}</p>;
}

import { useState, type FormEvent } from 'react';

export function ApiKeyPrompt({ rejected, onSubmit }: { rejected: boolean; onSubmit: (key: string) => void }) {
  const [key, setKey] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (key.trim() !== '') onSubmit(key);
  }

  return (
    <section className="panel auth-panel" aria-labelledby="api-key-title">
      <h1 id="api-key-title">API key required</h1>
      <p>
        This proxy has <code>ADMIN_API_KEY</code> set. Enter the key to use the dashboard: it is kept in this browser tab only
        (session storage) and sent as <code>Authorization: Bearer</code>.
      </p>
      {rejected && (
        <p className="notice notice-error" role="alert">
          The proxy refused that key. Check it and try again.
        </p>
      )}
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor="api-key">Admin API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          // The prompt is the only thing on the page.
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
        />
        <button type="submit">Unlock</button>
      </form>
    </section>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RulesState } from '@caching-proxy/shared';
import { useState } from 'react';
import { formatCount, formatTimestamp } from '../lib/format';
import { useTRPC } from '../trpc';
import { ConfirmDialog } from './confirm-dialog';
import { ErrorNotice } from './query-states';
import { RuleProblems } from './rule-problems';

function epochSecondsToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function plural(count: number, one: string, many: string): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** The rules file, when its rules were loaded, the last reload's outcome, and a Reload button (`rules.reload`, confirmed). */
export function RulesFile({ state }: { state: Pick<RulesState, 'file' | 'loaded_at' | 'last_reload'> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const reload = useMutation(
    trpc.rules.reload.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rules.list.pathKey() }),
    }),
  );
  const last = state.last_reload;

  return (
    <section className="panel rules-file" aria-labelledby="rules-file-title">
      <h2 id="rules-file-title">Rules file</h2>
      <dl className="facts">
        <div>
          <dt>File</dt>
          <dd>
            <code>{state.file}</code>
          </dd>
        </div>
        <div>
          <dt>Active rules loaded</dt>
          <dd>{state.loaded_at === null ? 'never' : formatTimestamp(epochSecondsToIso(state.loaded_at))}</dd>
        </div>
        <div>
          <dt>Last reload</dt>
          <dd className="last-reload">
            {last === null ? 'none since start' : `${last.ok ? 'ok' : 'refused'} at ${formatTimestamp(epochSecondsToIso(last.at))}`}
          </dd>
        </div>
      </dl>
      {/* The result of a reload from this page says the same, below its button. */}
      {last !== null && !last.ok && !reload.isSuccess && (
        <div className="notice notice-error">
          <strong>The last reload was refused; the previous rules stay active.</strong>
          <RuleProblems problems={last.problems} />
        </div>
      )}
      <button
        type="button"
        disabled={reload.isPending}
        onClick={() => {
          reload.reset();
          setConfirming(true);
        }}
      >
        {reload.isPending ? 'Reloading…' : 'Reload rules…'}
      </button>
      {reload.isSuccess &&
        (reload.data.ok ? (
          <p className="notice notice-success reload-result" role="status">
            Reloaded: {plural(reload.data.rules, 'rule', 'rules')} active.
          </p>
        ) : (
          <div className="notice notice-error reload-result" role="status">
            <strong>
              The file was refused ({plural(reload.data.problems.length, 'problem', 'problems')}); the previous{' '}
              {plural(reload.data.rules, 'rule stays', 'rules stay')} active.
            </strong>
            <RuleProblems problems={reload.data.problems} />
          </div>
        ))}
      {reload.isError && <ErrorNotice title="Reload failed" error={reload.error} />}
      <ConfirmDialog
        open={confirming}
        title="Reload the rules file?"
        confirmLabel="Reload"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          reload.mutate();
        }}
      >
        <p>
          The proxy reads <code>{state.file}</code> again. If it is valid, its rules replace the active ones and their
          counters start from zero; if not, nothing changes and every problem is listed.
        </p>
      </ConfirmDialog>
    </section>
  );
}

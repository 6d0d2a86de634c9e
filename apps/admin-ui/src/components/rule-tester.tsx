import { useMutation } from '@tanstack/react-query';
import type { RuleTestInput, RuleTestResult } from '@caching-proxy/shared';
import { useState, type FormEvent } from 'react';
import { formatRuleSeconds, parseHeaderLines } from '../lib/rules';
import { useTRPCClient } from '../trpc';
import { ErrorNotice } from './query-states';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function seconds(value: number | null): string | null {
  return value === null ? null : formatRuleSeconds(value);
}

function ttlText(ttl: NonNullable<RuleTestResult['ttl']>): string {
  const parts: [string, string | null][] = [
    ['default', seconds(ttl.default)],
    ['override', seconds(ttl.override)],
    ['min', seconds(ttl.min)],
    ['max', seconds(ttl.max)],
    ['stale-while-revalidate', seconds(ttl.stale_while_revalidate)],
    ['stale-if-error', seconds(ttl.stale_if_error)],
  ];
  return parts
    .filter((part): part is [string, string] => part[1] !== null)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

function TestResult({ result }: { result: RuleTestResult }) {
  const facts: [string, string][] = [
    ['Normalised URL', result.url],
    ['Cache key', result.cache_key ?? 'none: never looked up (bypass or unsafe method)'],
    ['Headers added to the key', result.key_headers.length > 0 ? result.key_headers.join(', ') : 'none'],
    ['Bypass', result.bypass ? 'yes: never stored nor served from storage' : 'no'],
    ['TTL', result.ttl === null ? 'from the response (or CACHE_TTL)' : ttlText(result.ttl)],
    ['Tags', result.tags.length > 0 ? result.tags.join(', ') : 'none'],
    [
      'Invalidates',
      result.invalidates === null
        ? 'nothing'
        : [...result.invalidates.prefixes.map((p) => `prefix ${p}`), ...result.invalidates.tags.map((t) => `tag ${t}`)].join(', ') ||
          'nothing',
    ],
    ['GraphQL', result.graphql ? 'queries sent by POST are cached' : 'no'],
  ];
  return (
    <div className="rule-test-result" aria-live="polite">
      <p className={`notice ${result.rule === null ? '' : 'notice-success'} matched-rule`} role="status">
        {result.rule === null ? (
          'No rule matches: the default caching behaviour applies.'
        ) : (
          <>
            Matched rule <strong>{result.rule.name}</strong> (#{result.rule.index + 1}).
          </>
        )}
      </p>
      <dl className="facts rule-test-facts">
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{term === 'Normalised URL' || (term === 'Cache key' && result.cache_key !== null) ? <code>{value}</code> : value}</dd>
          </div>
        ))}
      </dl>
      {result.considered.length > 0 && (
        <div className="table-scroll">
          <table className="considered cards">
            <caption>Rules considered, in order</caption>
            <thead>
              <tr>
                <th scope="col" className="number">
                  #
                </th>
                <th scope="col">Rule</th>
                <th scope="col">Matched</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {result.considered.map((rule) => (
                <tr key={rule.index}>
                  <td className="number" data-label="#">
                    {rule.index + 1}
                  </td>
                  <td data-label="Rule">{rule.name}</td>
                  <td data-label="Matched">{rule.matched ? 'yes' : 'no'}</td>
                  <td data-label="Why">{rule.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Tests a request against the rules (`rules.test`) without sending it. */
export function RuleTester() {
  const client = useTRPCClient();
  const [method, setMethod] = useState<(typeof METHODS)[number]>('GET');
  const [url, setUrl] = useState('');
  const [headerText, setHeaderText] = useState('');
  const headers = parseHeaderLines(headerText);
  // rules.test is a query (it changes nothing), run on submit: the mutation hook gives that its pending/result states.
  const test = useMutation({ mutationFn: (input: RuleTestInput) => client.rules.test.query(input) });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!headers.ok) return;
    test.mutate({ method, url: url.trim(), ...(Object.keys(headers.headers).length > 0 ? { headers: headers.headers } : {}) });
  }

  return (
    <section className="panel" aria-labelledby="rule-test-title">
      <h2 id="rule-test-title">Test a request</h2>
      <p>Which rule would apply to a request, and what it would do with it. Nothing is sent to the origin.</p>
      <form className="stacked-form rule-test-form" onSubmit={submit}>
        <div className="inline-form">
          <label htmlFor="rule-test-method">Method</label>
          <select
            id="rule-test-method"
            value={method}
            onChange={(event) => {
              setMethod(event.target.value as (typeof METHODS)[number]);
              test.reset();
            }}
          >
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <label htmlFor="rule-test-url">URL</label>
          <input
            id="rule-test-url"
            type="text"
            required
            placeholder="https://shop.example/api/search?q=shoes&utm_source=mail"
            value={url}
            onChange={(event) => {
              setUrl(event.target.value);
              test.reset();
            }}
          />
        </div>
        <label htmlFor="rule-test-headers">Request headers (optional), one "Name: value" per line</label>
        <textarea
          id="rule-test-headers"
          rows={2}
          placeholder="Accept-Language: en"
          value={headerText}
          aria-invalid={!headers.ok}
          aria-describedby={headers.ok ? undefined : 'rule-test-headers-error'}
          onChange={(event) => {
            setHeaderText(event.target.value);
            test.reset();
          }}
        />
        {!headers.ok && (
          <p id="rule-test-headers-error" className="try-error">
            Line {headers.line}: {headers.message}
          </p>
        )}
        <button type="submit" disabled={test.isPending || !headers.ok}>
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
      </form>
      {test.isError && <ErrorNotice title="The request could not be tested" error={test.error} />}
      {test.isSuccess && <TestResult result={test.data} />}
    </section>
  );
}

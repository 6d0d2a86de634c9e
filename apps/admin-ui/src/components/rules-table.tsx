import { formatCount, formatPercent } from '../lib/format';
import { describeActions, describeMatch, loadedRule, ruleHitRatioPercent, type ListedRule, type RuleLine } from '../lib/rules';

function Lines({ lines }: { lines: readonly RuleLine[] }) {
  if (lines.length === 0) return <span className="muted">none</span>;
  return (
    <dl className="rule-lines">
      {lines.map((line) => (
        <div key={line.label}>
          <dt>{line.label}</dt>
          <dd>{line.value}</dd>
        </div>
      ))}
    </dl>
  );
}

const COUNTERS = [
  ['requests', 'Requests'],
  ['hits', 'Hits'],
  ['misses', 'Misses'],
  ['stores', 'Stores'],
  ['bypasses', 'Bypasses'],
  ['invalidations', 'Invalidations'],
] as const;

/** The active rules in file order (the first match applies): match, actions and counters. */
export function RulesTable({ rules }: { rules: readonly ListedRule[] }) {
  return (
    <div className="table-scroll">
      <table className="rules cards">
        <caption>In order: the first rule that matches a request applies</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              #
            </th>
            <th scope="col">Rule</th>
            <th scope="col">Match</th>
            <th scope="col">Actions</th>
            {COUNTERS.map(([, label]) => (
              <th key={label} scope="col" className="number">
                {label}
              </th>
            ))}
            <th scope="col" className="number">
              Hit ratio
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((summary) => {
            const rule = loadedRule(summary);
            const ratio = ruleHitRatioPercent(summary.counters);
            return (
              <tr key={summary.name} id={`rule-${summary.name}`}>
                <td className="number" data-label="#">
                  {summary.index + 1}
                </td>
                <td data-label="Rule">
                  <strong className="rule-name">{summary.name}</strong>
                </td>
                <td className="rule-cell" data-label="Match">
                  <Lines lines={describeMatch(rule)} />
                </td>
                <td className="rule-cell" data-label="Actions">
                  <Lines lines={describeActions(rule)} />
                </td>
                {COUNTERS.map(([counter, label]) => (
                  <td key={counter} className={`number counter-${counter}`} data-label={label}>
                    {formatCount(summary.counters[counter])}
                  </td>
                ))}
                <td className="number counter-hit-ratio" data-label="Hit ratio">
                  {ratio === null ? '—' : formatPercent(ratio)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

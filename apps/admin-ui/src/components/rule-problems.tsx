import type { RuleProblem } from '@caching-proxy/shared';
import { problemLocation } from '../lib/rules';

/** Every problem of a refused rules file, with where it is (line, column, path in the document). */
export function RuleProblems({ problems }: { problems: readonly RuleProblem[] }) {
  return (
    <ul className="rule-problems">
      {problems.map((problem, i) => (
        <li key={i}>
          <span className="rule-problem-where">{problemLocation(problem)}</span>: {problem.message}
        </li>
      ))}
    </ul>
  );
}

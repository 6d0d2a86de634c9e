import { z } from 'zod';
import {
  RulesReloadResultSchema,
  RulesStateSchema,
  RuleTestInputSchema,
  RuleTestResultSchema,
  type RulesReloadResult,
  type RulesState,
  type RuleTestResult,
} from '@caching-proxy/shared';
import { protectedProcedure, router } from '../trpc.js';

/**
 * The cache rules of this replica (CACHE_RULES_FILE): read them with their counters, reload the
 * file, and test what they would do with a request without sending it. Admin listener only.
 */
export const rulesRouter = router({
  /** `GET /rules`: the active rules in order, each with its counters, and the last reload's outcome. */
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/rules',
        tags: ['rules'],
        summary: 'The active cache rules in order, with their counters and the outcome of the last reload',
        description:
          '`file` is null when CACHE_RULES_FILE is not set. Counters count since the rules were loaded, on this replica.',
        protect: true,
      },
    })
    .input(z.void())
    .output(RulesStateSchema)
    .query(({ ctx }): RulesState => ctx.deps.rules.state()),

  /**
   * `POST /rules/reload`: reads CACHE_RULES_FILE again, as SIGHUP does. A refused file is not a
   * failed call: it answers 200 with `ok: false` and every problem (path, line, column), and the
   * previous rules stay active.
   */
  reload: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/rules/reload',
        tags: ['rules'],
        summary: 'Read the rules file again (as SIGHUP does); a refused file keeps the previous rules',
        description:
          'Answers 200 either way: `ok: true` with the number of active rules, or `ok: false` with every problem of ' +
          'the file (path in the document, line and column) while the previous rules stay active.',
        protect: true,
      },
    })
    .input(z.void())
    .output(RulesReloadResultSchema)
    .mutation(({ ctx }): Promise<RulesReloadResult> => ctx.deps.rules.reload()),

  /**
   * `POST /rules/test`: which rule a request would match and what it would do (normalised URL,
   * cache key, actions), without sending it. A malformed URL answers 400 PROXY_ERR_INVALID_URL.
   */
  test: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/rules/test',
        tags: ['rules'],
        summary: 'What the rules would do with a request (matched rule, normalised URL, cache key), without sending it',
        protect: true,
        errorResponses: { 400: 'The URL is malformed (PROXY_ERR_INVALID_URL) or the input does not match its shape' },
      },
    })
    .input(RuleTestInputSchema)
    .output(RuleTestResultSchema)
    .query(({ ctx, input }): RuleTestResult => ctx.deps.rules.test(input)),
});

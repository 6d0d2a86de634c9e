import { cacheRouter, dataPortInfo } from './routers/cache.js';
import { rulesRouter } from './routers/rules.js';
import { health, history, stats, tryRequest } from './routers/system.js';
import { router } from './trpc.js';

/** The control plane: the single definition of every admin operation (tRPC, REST and OpenAPI). */
export const appRouter = router({
  health,
  stats,
  history,
  tryRequest,
  cache: cacheRouter,
  rules: rulesRouter,
});

export type AppRouter = typeof appRouter;

/** The seed's REST paths, also served on the data port for compatibility. */
export const seedCompatibleRouter = router({
  health,
  stats,
  cache: router({
    info: dataPortInfo,
    clear: cacheRouter.clear,
    delete: cacheRouter.delete,
  }),
});

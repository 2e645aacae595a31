// The Express app: routes, auth and error mapping. It does not listen; main.ts and tests do.
import express from 'express';
import type { CoreDeps } from '../core/deps';
import { AppError } from '../core/app-error';
import { apiKeyAuth } from './auth';
import type { GoogleSignIn } from './google-sign-in';
import type { Metrics } from './metrics';
import { JSON_TYPES, requireJsonBody } from './body-types';
import { buildOpenApi } from './openapi';
import { errorMiddleware } from './problem';
import { rateLimit } from './rate-limit';
import { previewRoutes } from './routes/preview';
import { requestLog } from './request-log';
import { assetRoutes } from './routes/assets';
import { batchRoutes } from './routes/batches';
import { estimateRoutes } from './routes/estimate';
import { modelRoutes } from './routes/models';
import { packRoutes } from './routes/packs';
import { provenanceRoutes, publicProvenanceRoutes } from './routes/provenance';
import { taskRoutes } from './routes/tasks';
import { packFontRoutes } from './routes/pack-fonts';
import { uploadRoutes } from './routes/uploads';
import { taskAuth, type TaskAuthVerifier } from './task-auth';
import { traceContext } from './trace-context';

export interface AppOptions {
  taskAuth: TaskAuthVerifier;
  metrics: Metrics;
  rateLimitPerMinute: number;
  /** POST /v1/preview per key and minute (default 12). */
  previewPerMinute?: number;
  /** Google Cloud project for log trace correlation (cloud mode). */
  traceProject?: string;
  /** Readiness: resolves when storage and queues can be used. */
  ready: () => Promise<boolean>;
  /** Sign in with Google, when configured. */
  signIn?: GoogleSignIn;
}

export function createApp(deps: CoreDeps, opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(traceContext(opts.traceProject));
  app.use(requestLog(deps.log));

  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/readyz', async (_req, res) => {
    const ready = await opts.ready().catch(() => false);
    res.status(ready ? 200 : 503).json({ ready });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics());
  });
  const openapi = buildOpenApi(deps.config.publicBaseUrl);
  app.get('/openapi.json', (_req, res) => void res.json(openapi));
  app.use(assetRoutes(deps));
  app.use(publicProvenanceRoutes(deps));

  app.use('/tasks', taskAuth(opts.taskAuth), express.json({ limit: '1mb' }));
  app.use(taskRoutes(deps));

  app.use('/v1', apiKeyAuth(deps, opts.signIn), rateLimit({ perMinute: opts.rateLimitPerMinute, burst: Math.max(10, Math.ceil(opts.rateLimitPerMinute / 6)), clock: deps.clock }));
  // Raw image and font bodies: parsed by their own express.raw, before the JSON parser.
  app.use(uploadRoutes(deps));
  app.use(packFontRoutes(deps));
  app.use(provenanceRoutes(deps));
  app.use('/v1', requireJsonBody(['/packs']), express.json({ limit: '64mb', type: JSON_TYPES }));
  app.use(batchRoutes(deps));
  app.use(estimateRoutes(deps));
  app.use(previewRoutes(deps, rateLimit({ perMinute: opts.previewPerMinute ?? 12, burst: Math.max(3, Math.ceil((opts.previewPerMinute ?? 12) / 2)), clock: deps.clock })));
  app.use(modelRoutes(deps));
  app.use(packRoutes(deps));

  app.use((req, _res, next) => next(new AppError('not_found', `No route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(deps.log));
  return app;
}

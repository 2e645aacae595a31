// Configuration from the environment, validated once at start-up. Nothing else reads
// process.env. A bad value stops the process with one line naming the variable.
import { z } from 'zod';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const optionalUsd = z
  .string()
  .default('50')
  .transform((v, ctx) => {
    if (v.trim().toLowerCase() === 'none') return null;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a non-negative number of dollars or "none"' });
      return z.NEVER;
    }
    return n;
  });

export const ConfigSchema = z.object({
  ROWSHOT_MODE: z.enum(['local', 'cloud']).default('local'),
  PORT: int(8080, 0, 65535),
  ROWSHOT_HOST: z.string().default('127.0.0.1'),
  ROWSHOT_DATA_DIR: z.string().min(1).default('.rowshot'),
  ROWSHOT_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  ROWSHOT_SIGNING_SECRET: z.string().min(32, 'expected at least 32 characters').optional(),
  ROWSHOT_TASK_TOKEN: z.string().min(32, 'expected at least 32 characters').optional(),
  ROWSHOT_PROVIDER_CHAIN: z.string().default('template').transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean)),
  ROWSHOT_FLUSH_INTERVAL_MS: int(2000, 200, 60_000),
  ROWSHOT_ROW_CONCURRENCY: int(4, 1, 1000),
  ROWSHOT_ROW_RATE: int(50, 1, 500),
  ROWSHOT_MAX_ATTEMPTS: int(5, 1, 100),
  ROWSHOT_MIN_BACKOFF_MS: int(1000, 10, 3_600_000),
  ROWSHOT_MAX_BACKOFF_MS: int(60_000, 10, 3_600_000),
  ROWSHOT_MAX_DOUBLINGS: int(5, 0, 16),
  ROWSHOT_CLAIM_TTL_MS: int(120_000, 1000, 3_600_000),
  ROWSHOT_RATE_LIMIT_PER_MIN: int(600, 1, 1_000_000),
  ROWSHOT_DAILY_BUDGET_USD: optionalUsd,
  ROWSHOT_WORKBOOK_ROOTS: z.string().default('').transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean)),
  ROWSHOT_CHUNK_SIZE: int(500, 10, 5000),
  ROWSHOT_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
export type Config = z.output<typeof ConfigSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const value = env[name];
    const shown = value === undefined ? '' : ` (got "${/SECRET|TOKEN/.test(name) ? '…' : value}")`;
    return { ok: false, message: `Invalid configuration: ${name}: ${issue?.message ?? 'invalid'}${shown}` };
  }
  const c = r.data;
  if (c.ROWSHOT_MODE === 'cloud') {
    return { ok: false, message: 'Invalid configuration: ROWSHOT_MODE: "cloud" needs the Google Cloud adapters, which are not part of this build yet; use "local"' };
  }
  if (c.ROWSHOT_MIN_BACKOFF_MS > c.ROWSHOT_MAX_BACKOFF_MS) {
    return { ok: false, message: 'Invalid configuration: ROWSHOT_MIN_BACKOFF_MS must not be larger than ROWSHOT_MAX_BACKOFF_MS' };
  }
  return { ok: true, config: c };
}

// Configuration from the environment, validated once at start-up; a bad value stops the process
// with one line naming the variable. The server reads nothing else from the environment (the
// CLI also takes ROWSHOT_API_KEY, for --server).
import { z } from 'zod';
import { RECOMMENDED_GEMINI_MODEL } from '../../shared/index';
import { parseTenantRules } from './core/tenants/identity-tenants';

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
  /** Default: see defaultProviderChain; an empty list (`""`, `" , "`) means the default too. */
  ROWSHOT_PROVIDER_CHAIN: z.string().optional().transform((s) => {
    const chain = s?.split(',').map((p) => p.trim()).filter(Boolean);
    return chain === undefined || chain.length === 0 ? undefined : chain;
  }),
  ROWSHOT_FLUSH_INTERVAL_MS: int(2000, 200, 60_000),
  ROWSHOT_ROW_CONCURRENCY: int(4, 1, 1000),
  ROWSHOT_ROW_RATE: int(50, 1, 500),
  ROWSHOT_MAX_ATTEMPTS: int(5, 1, 100),
  ROWSHOT_MIN_BACKOFF_MS: int(1000, 10, 3_600_000),
  ROWSHOT_MAX_BACKOFF_MS: int(60_000, 10, 3_600_000),
  ROWSHOT_MAX_DOUBLINGS: int(5, 0, 16),
  ROWSHOT_CLAIM_TTL_MS: int(120_000, 1000, 3_600_000),
  /** After SIGTERM, how long in-flight work may take before the process exits anyway (Cloud Run kills at 10 s). */
  ROWSHOT_DRAIN_TIMEOUT_MS: int(8000, 100, 600_000),
  ROWSHOT_RATE_LIMIT_PER_MIN: int(600, 1, 1_000_000),
  /** POST /v1/preview per key and minute (each one generates images synchronously). */
  ROWSHOT_PREVIEW_PER_MIN: int(12, 1, 10_000),
  ROWSHOT_BREAKER_FAILURES: int(5, 1, 1000),
  ROWSHOT_BREAKER_OPEN_MS: int(30_000, 100, 3_600_000),
  ROWSHOT_DAILY_BUDGET_USD: optionalUsd,
  ROWSHOT_WORKBOOK_ROOTS: z.string().default('').transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean)),
  ROWSHOT_CHUNK_SIZE: int(500, 10, 5000),
  /** Minimum legible text sizes in px for every batch that sets none (default: 3.4% / 2.4% of the short side). */
  ROWSHOT_MIN_HEADLINE_PX: z.coerce.number().int().min(6).max(400).optional(),
  ROWSHOT_MIN_SUBLINE_PX: z.coerce.number().int().min(6).max(400).optional(),
  ROWSHOT_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  // Google Cloud mode (ROWSHOT_MODE=cloud); checked together below.
  GOOGLE_CLOUD_PROJECT: z.string().min(1).optional(),
  ROWSHOT_TASKS_LOCATION: z.string().min(1).optional(),
  ROWSHOT_ROWS_QUEUE: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'expected a Cloud Tasks queue id').default('rowshot-rows'),
  ROWSHOT_CONTROL_QUEUE: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'expected a Cloud Tasks queue id').default('rowshot-control'),
  ROWSHOT_TASKS_SERVICE_ACCOUNT: z.email('expected a service account email').optional(),
  ROWSHOT_TASKS_AUDIENCE: z.string().min(1).optional(),
  ROWSHOT_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'expected a Cloud Storage bucket name').optional(),
  GEMINI_API_KEY: z.string().min(10, 'expected a Gemini API key').optional(),
  ROWSHOT_GEMINI_VERTEX: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  // The global endpoint also serves the newest models, which regional ones may not.
  ROWSHOT_GEMINI_LOCATION: z.string().regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, 'expected a Vertex AI location, e.g. global or us-central1').default('global'),
  /** Another Gemini endpoint than Google's (a proxy, or a local fake in tests). */
  ROWSHOT_GEMINI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** `rowshot run` asks before a run whose estimate is above this many dollars (unless --yes). */
  ROWSHOT_CONFIRM_ABOVE_USD: z.coerce.number().min(0, 'expected a non-negative number of dollars').default(1),
  ROWSHOT_IMAGE_SIZE: z.enum(['512', '1K', '2K', '4K']).default('1K'),
  ROWSHOT_SERVICE_ACCOUNT: z.email('expected a service account email').optional(),
  ROWSHOT_SHEETS_WRITES_PER_MINUTE: int(55, 1, 60),
  // Sign in with Google (the add-on's ID tokens): both or neither; checked together below.
  ROWSHOT_GOOGLE_CLIENT_ID: z.string().regex(/^[\w.-]+\.apps\.googleusercontent\.com$/, 'expected an OAuth client id ending in .apps.googleusercontent.com').optional(),
  ROWSHOT_GOOGLE_TENANTS: z.string().min(1).optional(),
  ROWSHOT_GOOGLE_CERTS_URL: z.url({ protocol: /^https?$/ }).default('https://www.googleapis.com/oauth2/v1/certs'),
});
export type Config = z.output<typeof ConfigSchema>;

/** Gemini is on in the cloud always, and locally with a key or ROWSHOT_GEMINI_VERTEX=true. */
export function geminiEnabled(c: Config): boolean {
  return c.ROWSHOT_MODE === 'cloud' || c.GEMINI_API_KEY !== undefined || c.ROWSHOT_GEMINI_VERTEX;
}

/** The chain `auto` rows use: the configured one, else the recommended Gemini model with Gemini on, else `template`. */
export function defaultProviderChain(c: Config): string[] {
  return c.ROWSHOT_PROVIDER_CHAIN ?? (geminiEnabled(c) ? [RECOMMENDED_GEMINI_MODEL] : ['template']);
}

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
    const required: [keyof Config, string][] = [
      ['ROWSHOT_PUBLIC_URL', "the service's https URL (task pushes and links go there)"],
      ['ROWSHOT_SIGNING_SECRET', 'a secret of at least 32 characters (from Secret Manager)'],
      ['GOOGLE_CLOUD_PROJECT', 'the Google Cloud project id'],
      ['ROWSHOT_TASKS_LOCATION', 'the Cloud Tasks location, e.g. us-central1'],
      ['ROWSHOT_TASKS_SERVICE_ACCOUNT', 'the service account Cloud Tasks signs its OIDC tokens for'],
      ['ROWSHOT_BUCKET', 'the Cloud Storage bucket for all state'],
    ];
    if (!c.ROWSHOT_GEMINI_VERTEX) required.push(['GEMINI_API_KEY', 'a Gemini API key (or set ROWSHOT_GEMINI_VERTEX=true to use Vertex AI credentials)']);
    for (const [name, what] of required) {
      if (c[name] === undefined) return { ok: false, message: `Invalid configuration: ${name}: required when ROWSHOT_MODE=cloud (${what})` };
    }
  }
  if (c.ROWSHOT_MODE === 'local' && c.ROWSHOT_GEMINI_VERTEX && c.GOOGLE_CLOUD_PROJECT === undefined) {
    return { ok: false, message: 'Invalid configuration: GOOGLE_CLOUD_PROJECT: required with ROWSHOT_GEMINI_VERTEX=true (the project whose Vertex AI serves Gemini; credentials come from gcloud auth application-default login)' };
  }
  if (c.ROWSHOT_GOOGLE_CLIENT_ID !== undefined || c.ROWSHOT_GOOGLE_TENANTS !== undefined) {
    if (c.ROWSHOT_GOOGLE_CLIENT_ID === undefined) return { ok: false, message: 'Invalid configuration: ROWSHOT_GOOGLE_CLIENT_ID: required with ROWSHOT_GOOGLE_TENANTS (the add-on\'s OAuth client id, the audience of its sign-in tokens)' };
    if (c.ROWSHOT_GOOGLE_TENANTS === undefined) return { ok: false, message: 'Invalid configuration: ROWSHOT_GOOGLE_TENANTS: required with ROWSHOT_GOOGLE_CLIENT_ID (which domains and emails belong to which tenant, e.g. acme:acme.com,bob@gmail.com)' };
    const rules = parseTenantRules(c.ROWSHOT_GOOGLE_TENANTS);
    if (!rules.ok) return { ok: false, message: `Invalid configuration: ROWSHOT_GOOGLE_TENANTS: ${rules.reason}` };
  }
  if (c.ROWSHOT_MIN_BACKOFF_MS > c.ROWSHOT_MAX_BACKOFF_MS) {
    return { ok: false, message: 'Invalid configuration: ROWSHOT_MIN_BACKOFF_MS must not be larger than ROWSHOT_MAX_BACKOFF_MS' };
  }
  return { ok: true, config: c };
}

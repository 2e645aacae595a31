import { describe, expect, it } from 'vitest';
import { defaultProviderChain, loadConfig, type Config } from '../../backend/src/config';

const cloud = {
  ROWSHOT_MODE: 'cloud', ROWSHOT_PUBLIC_URL: 'https://rowshot.example.run.app', ROWSHOT_SIGNING_SECRET: 's'.repeat(40),
  GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_TASKS_LOCATION: 'us-central1', ROWSHOT_TASKS_SERVICE_ACCOUNT: 'tasks@acme-prod.iam.gserviceaccount.com',
  ROWSHOT_BUCKET: 'acme-rowshot', GEMINI_API_KEY: 'AIza-test-key-123',
};

describe('configuration', () => {
  it('has working defaults for the embedded mode', () => {
    const r = loadConfig({});
    expect(r.ok && r.config).toMatchObject({ ROWSHOT_MODE: 'local', PORT: 8080, ROWSHOT_FLUSH_INTERVAL_MS: 2000, ROWSHOT_DAILY_BUDGET_USD: 50 });
    // No chain configured: the mode's own default applies (template locally, Gemini in the cloud).
    expect(r.ok && r.config.ROWSHOT_PROVIDER_CHAIN).toBeUndefined();
  });

  it('reads an empty provider chain as "use the default", never as a chain of no providers', () => {
    for (const empty of ['', '   ', ' , ,']) {
      const r = loadConfig({ ROWSHOT_PROVIDER_CHAIN: empty });
      expect(r.ok, JSON.stringify(empty)).toBe(true);
      expect(r.ok && r.config.ROWSHOT_PROVIDER_CHAIN, JSON.stringify(empty)).toBeUndefined();
    }
    const set = loadConfig({ ROWSHOT_PROVIDER_CHAIN: ' gemini-2.5-flash-image , template ' });
    expect(set.ok && set.config.ROWSHOT_PROVIDER_CHAIN).toEqual(['gemini-2.5-flash-image', 'template']);
  });

  it('names the variable and the value in one line', () => {
    expect(loadConfig({ ROWSHOT_ROW_CONCURRENCY: 'many' })).toEqual({ ok: false, message: expect.stringMatching(/^Invalid configuration: ROWSHOT_ROW_CONCURRENCY: .*\(got "many"\)$/) });
    expect(loadConfig({ ROWSHOT_DAILY_BUDGET_USD: '-3' })).toMatchObject({ ok: false, message: expect.stringContaining('ROWSHOT_DAILY_BUDGET_USD') });
    expect(loadConfig({ ROWSHOT_SIGNING_SECRET: 'short' })).toEqual({ ok: false, message: 'Invalid configuration: ROWSHOT_SIGNING_SECRET: expected at least 32 characters (got "…")' });
    expect(loadConfig({ ROWSHOT_DAILY_BUDGET_USD: 'none' })).toMatchObject({ ok: true, config: { ROWSHOT_DAILY_BUDGET_USD: null } });
  });

  it('in cloud mode, requires each Google setting and says what it is for', () => {
    expect(loadConfig(cloud)).toMatchObject({ ok: true, config: { ROWSHOT_ROWS_QUEUE: 'rowshot-rows', ROWSHOT_CONTROL_QUEUE: 'rowshot-control' } });
    for (const name of Object.keys(cloud).filter((k) => k !== 'ROWSHOT_MODE')) {
      const { [name]: _dropped, ...rest } = cloud as Record<string, string>;
      const r = loadConfig(rest);
      expect(r.ok, name).toBe(false);
      expect(!r.ok && r.message, name).toMatch(new RegExp(`^Invalid configuration: ${name}: required when ROWSHOT_MODE=cloud \\(.+\\)$`));
    }
    const { GEMINI_API_KEY: _k, ...vertex } = cloud;
    expect(loadConfig({ ...vertex, ROWSHOT_GEMINI_VERTEX: 'true' }).ok).toBe(true);
    expect(loadConfig({ ...cloud, ROWSHOT_BUCKET: 'Bad_Bucket!' })).toMatchObject({ ok: false, message: expect.stringContaining('ROWSHOT_BUCKET: expected a Cloud Storage bucket name') });
  });

  it('turns Gemini on locally with a key or Vertex AI, and then defaults auto rows to the recommended Gemini model', () => {
    const chain = (env: Record<string, string>) => {
      const r = loadConfig(env);
      if (!r.ok) throw new Error(r.message);
      return defaultProviderChain(r.config as Config);
    };
    expect(chain({})).toEqual(['template']);
    expect(chain({ GEMINI_API_KEY: 'AIza-test-key-123' })).toEqual(['gemini-3.1-flash-image']);
    expect(chain({ ROWSHOT_GEMINI_VERTEX: 'true', GOOGLE_CLOUD_PROJECT: 'acme' })).toEqual(['gemini-3.1-flash-image']);
    expect(chain({ GEMINI_API_KEY: 'AIza-test-key-123', ROWSHOT_PROVIDER_CHAIN: 'template' })).toEqual(['template']);
    expect(chain(cloud)).toEqual(['gemini-3.1-flash-image']);
    expect(loadConfig({ ROWSHOT_GEMINI_VERTEX: 'true' })).toEqual({ ok: false, message: expect.stringMatching(/^Invalid configuration: GOOGLE_CLOUD_PROJECT: required with ROWSHOT_GEMINI_VERTEX=true \(.+\)$/) });
    expect(loadConfig({ ROWSHOT_CONFIRM_ABOVE_USD: '-1' })).toEqual({ ok: false, message: expect.stringMatching(/^Invalid configuration: ROWSHOT_CONFIRM_ABOVE_USD: .*\(got "-1"\)$/) });
  });
});

// Cloud mode with Gemini on Vertex AI: the project and location take the API key's place, and a
// bad setting stops `rowshot serve` with one line naming the variable.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../backend/src/config';
import { runCli } from '../helpers/cli';

const cloud = {
  ROWSHOT_MODE: 'cloud', ROWSHOT_PUBLIC_URL: 'https://rowshot.example.run.app', ROWSHOT_SIGNING_SECRET: 's'.repeat(40),
  GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_TASKS_LOCATION: 'us-central1', ROWSHOT_TASKS_SERVICE_ACCOUNT: 'tasks@acme-prod.iam.gserviceaccount.com',
  ROWSHOT_BUCKET: 'acme-rowshot',
};
const vertex = { ...cloud, ROWSHOT_GEMINI_VERTEX: 'true' };

describe('configuration for Gemini on Vertex AI', () => {
  it('needs the flag, the project and a location, but no API key', () => {
    expect(loadConfig({ ...vertex, ROWSHOT_GEMINI_LOCATION: 'europe-west4' })).toMatchObject({
      ok: true, config: { ROWSHOT_GEMINI_VERTEX: true, GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_GEMINI_LOCATION: 'europe-west4' },
    });
    // Without the flag the API key is what is missing.
    expect(loadConfig(cloud)).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid configuration: GEMINI_API_KEY: required when ROWSHOT_MODE=cloud \(.*ROWSHOT_GEMINI_VERTEX=true.*\)$/) });
  });

  it('takes the global location when none is set', () => {
    expect(loadConfig(vertex)).toMatchObject({ ok: true, config: { ROWSHOT_GEMINI_LOCATION: 'global' } });
  });

  it.each([
    ['GOOGLE_CLOUD_PROJECT', { GOOGLE_CLOUD_PROJECT: undefined }, /^Invalid configuration: GOOGLE_CLOUD_PROJECT: required when ROWSHOT_MODE=cloud \(the Google Cloud project id\)$/],
    ['ROWSHOT_GEMINI_LOCATION', { ROWSHOT_GEMINI_LOCATION: '' }, /^Invalid configuration: ROWSHOT_GEMINI_LOCATION: expected a Vertex AI location, e.g\. global or us-central1 \(got ""\)$/],
    ['ROWSHOT_GEMINI_LOCATION', { ROWSHOT_GEMINI_LOCATION: 'us central1' }, /^Invalid configuration: ROWSHOT_GEMINI_LOCATION: expected a Vertex AI location.* \(got "us central1"\)$/],
    ['ROWSHOT_GEMINI_VERTEX', { ROWSHOT_GEMINI_VERTEX: 'yes' }, /^Invalid configuration: ROWSHOT_GEMINI_VERTEX: .*\(got "yes"\)$/],
  ])('a missing or bad %s is named in one line', (_name, change, message) => {
    expect(loadConfig({ ...vertex, ...change })).toEqual({ ok: false, message: expect.stringMatching(message) });
  });

  it('stops `rowshot serve` before it listens, with that one line and exit code 1', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-vertex-config-'));
    const r = await runCli(['serve'], { ...vertex, ROWSHOT_GEMINI_LOCATION: 'us central1', PORT: '0' }, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: ROWSHOT_GEMINI_LOCATION: /)]);
    expect(r.stdout).not.toMatch(/listening/);
  }, 30_000);
});

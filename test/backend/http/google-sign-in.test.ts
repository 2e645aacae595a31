// Sign in with Google: the add-on's ID tokens, verified against (a fake of) Google's certs
// endpoint, mapped to tenants by Workspace domain or email allow-list; API keys keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../backend/src/config';
import type { Problem } from '../../../shared/index';
import { startFakeGoogleCerts, type FakeGoogleCerts } from '../../helpers/fakes/google-certs';
import { makeOidcKey, mintIdToken } from '../../helpers/fakes/oidc';
import { startTestServer, type TestServer } from '../../helpers/server';

const CLIENT_ID = '123456789012-addon.apps.googleusercontent.com';
const key = makeOidcKey('google-key-1');
const rotated = makeOidcKey('google-key-2');
const stranger = makeOidcKey('not-google');

const token = (email: string, hd: string | undefined, extra: Parameters<typeof mintIdToken>[1] extends infer O ? Partial<O> : never = {}, k = key) =>
  mintIdToken(k, { audience: CLIENT_ID, email, ...extra, claims: { hd, ...extra.claims } });

describe('Sign in with Google on /v1', () => {
  let certs: FakeGoogleCerts;
  let s: TestServer;
  const as = (t: string, path: string, init: { method?: string; json?: unknown } = {}) => s.api(path, { ...init, key: t });
  const problem = async (res: Response) => ({ status: res.status, detail: ((await res.json()) as Problem).detail });

  beforeAll(async () => {
    certs = await startFakeGoogleCerts([key]);
    s = await startTestServer({
      ROWSHOT_GOOGLE_CLIENT_ID: CLIENT_ID,
      ROWSHOT_GOOGLE_TENANTS: 'acme:acme.com,contractor@gmail.com;beta:bob@gmail.com',
      ROWSHOT_GOOGLE_CERTS_URL: certs.url,
    });
  });
  afterAll(async () => { await s.close(); await certs.close(); });

  it('maps a Workspace domain and an allowed email to their tenants, and isolates them (404)', async () => {
    const ann = token('ann@acme.com', 'acme.com');
    const res = await as(ann, '/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'r1', cells: { Prompt: 'a fox' } }] } });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await as(ann, `/v1/batches/${id}`)).status).toBe(200);
    // An allow-listed consumer account of the same tenant sees it too.
    expect((await as(token('contractor@gmail.com', undefined), `/v1/batches/${id}`)).status).toBe(200);
    // Another tenant's token: 404, as for API keys.
    expect((await as(token('bob@gmail.com', undefined), `/v1/batches/${id}`)).status).toBe(404);
    // The embedded default's API key (tenant local) keeps working, and cannot see it either.
    expect((await s.api('/v1/batches')).status).toBe(200);
    expect((await s.api(`/v1/batches/${id}`)).status).toBe(404);
    // Keys were fetched once and cached (Cache-Control).
    expect(certs.fetches).toBe(1);
  });

  it('refuses a wrong audience, an expired token, a foreign signing key and an unverified email (401)', async () => {
    expect(await problem(await as(token('ann@acme.com', 'acme.com', { audience: 'other.apps.googleusercontent.com' }), '/v1/batches')))
      .toEqual({ status: 401, detail: 'the Google sign-in token is for another application (audience)' });
    const past = Math.floor(Date.now() / 1000) - 7200;
    expect(await problem(await as(token('ann@acme.com', 'acme.com', { iat: past, exp: past + 3600 }), '/v1/batches')))
      .toEqual({ status: 401, detail: 'the Google sign-in token has expired: sign in again' });
    expect(await problem(await as(token('ann@acme.com', 'acme.com', {}, stranger), '/v1/batches')))
      .toEqual({ status: 401, detail: 'the Google sign-in token is signed by an unknown key' });
    expect(await problem(await as(token('ann@acme.com', 'acme.com', { issuer: 'https://evil.example' }), '/v1/batches')))
      .toEqual({ status: 401, detail: 'the Google sign-in token was not issued by Google' });
    expect(await problem(await as(token('ann@acme.com', 'acme.com', { emailVerified: false }), '/v1/batches')))
      .toEqual({ status: 401, detail: 'the Google account\'s email is not verified' });
  });

  it('refuses a domain or email no tenant names (403)', async () => {
    expect(await problem(await as(token('eve@other.com', 'other.com'), '/v1/batches')))
      .toEqual({ status: 403, detail: 'eve@other.com (domain other.com) may not use this Rowshot server: ask its administrator to add your domain or email to ROWSHOT_GOOGLE_TENANTS' });
    // An acme.com address without the hd claim is a consumer account, not the Workspace domain.
    expect((await as(token('mallory@acme.com', undefined), '/v1/batches')).status).toBe(403);
  });

  it('follows a key rotation: an unknown kid refreshes the keys once', async () => {
    certs.keys.push(rotated);
    const before = certs.fetches;
    expect((await as(token('ann@acme.com', 'acme.com', {}, rotated), '/v1/batches')).status).toBe(200);
    expect(certs.fetches).toBe(before + 1);
  });
});

describe('Sign in with Google configuration', () => {
  it('names the missing or bad setting in one line', () => {
    const base = { ROWSHOT_DATA_DIR: '/tmp/x' };
    expect(loadConfig({ ...base, ROWSHOT_GOOGLE_CLIENT_ID: CLIENT_ID })).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid configuration: ROWSHOT_GOOGLE_TENANTS: required with ROWSHOT_GOOGLE_CLIENT_ID/) });
    expect(loadConfig({ ...base, ROWSHOT_GOOGLE_TENANTS: 'acme:acme.com' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid configuration: ROWSHOT_GOOGLE_CLIENT_ID: required/) });
    expect(loadConfig({ ...base, ROWSHOT_GOOGLE_CLIENT_ID: CLIENT_ID, ROWSHOT_GOOGLE_TENANTS: 'acme.com' })).toEqual({ ok: false, message: 'Invalid configuration: ROWSHOT_GOOGLE_TENANTS: "acme.com" must start with a tenant name (a-z, 0-9, _ or -) and a colon' });
    expect(loadConfig({ ...base, ROWSHOT_GOOGLE_CLIENT_ID: 'nope' })).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid configuration: ROWSHOT_GOOGLE_CLIENT_ID: expected an OAuth client id/) });
  });
});

// oidcTaskAuth with google-auth-library's verifier and locally minted RS256 tokens.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcTaskAuth } from '../../../../backend/src/adapters/google/oidc-task-auth';
import { makeOidcKey, mintIdToken, type MintOptions, type OidcKey } from '../../../helpers/fakes/oidc';

const AUDIENCE = 'https://rowshot-abc-ew.a.run.app';
const SA = 'tasks@proj-1.iam.gserviceaccount.com';

let key: OidcKey;
let otherKey: OidcKey;

beforeAll(() => {
  key = makeOidcKey('google-key-1');
  otherKey = makeOidcKey('google-key-1'); // same kid, different key: a forged token
});

const bearer = (t: string): string => `Bearer ${t}`;
const mint = (o: Partial<MintOptions> = {}, k: OidcKey = key): string => mintIdToken(k, { audience: AUDIENCE, email: SA, ...o });

describe('oidcTaskAuth with supplied certs', () => {
  const verifier = () => oidcTaskAuth({ audience: AUDIENCE, serviceAccountEmail: SA, certs: key.certs });

  it('accepts a valid token from either Google issuer spelling', async () => {
    const v = verifier();
    expect(await v.verify(bearer(mint()))).toEqual({ ok: true });
    expect(await v.verify(bearer(mint({ issuer: 'accounts.google.com' })))).toEqual({ ok: true });
    expect(await v.verify(`bearer   ${mint()}`)).toEqual({ ok: true });
  });

  it.each([[undefined], [''], ['Bearer'], ['Bearer   ']])('answers 401 when the token is missing (%j)', async (header) => {
    const r = await verifier().verify(header);
    expect(r).toMatchObject({ ok: false, status: 401 });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => string, RegExp]> = [
    ['expired', () => bearer(mint({ iat: now() - 7200, exp: now() - 3600 })), /expired/],
    ['not yet valid', () => bearer(mint({ iat: now() + 3600, exp: now() + 7200 })), /not valid yet/],
    ['wrong audience', () => bearer(mint({ audience: 'https://evil.example' })), /wrong audience/],
    ['wrong issuer', () => bearer(mint({ issuer: 'https://evil.example' })), /wrong issuer/],
    ['wrong email', () => bearer(mint({ email: 'someone@proj-1.iam.gserviceaccount.com' })), /another service account/],
    ['email not verified', () => bearer(mint({ emailVerified: false })), /not verified/],
    ['email_verified missing', () => bearer(mint({ claims: { email_verified: undefined } })), /not verified/],
    ['wrong key (same kid)', () => bearer(mint({}, otherKey)), /signature is not valid/],
    ['unknown key id', () => bearer(mint({ header: { kid: 'other-kid' } })), /unknown key/],
    ['no key id', () => bearer(mint({ header: { kid: undefined } })), /no key id/],
    ['alg HS256', () => bearer(mint({ header: { alg: 'HS256' } })), /RS256/],
    ['alg none', () => bearer(mint({ header: { alg: 'none' } }).replace(/\.[^.]+$/, '.AA')), /RS256/],
    ['no iat', () => bearer(mint({ claims: { iat: undefined } })), /iat or exp/],
    ['lifetime over a day', () => bearer(mint({ exp: now() + 3 * 86400 })), /lives too long/],
    ['tampered payload', () => {
      const [h, , s] = mint().split('.');
      const p = Buffer.from(JSON.stringify({ iss: 'https://accounts.google.com', aud: AUDIENCE, email: SA, email_verified: true, iat: now(), exp: now() + 60 })).toString('base64url');
      return bearer(`${h}.${p}.${s}`);
    }, /signature is not valid/],
    ['one segment', () => bearer('abc'), /malformed/],
    ['two segments', () => bearer('abc.def'), /malformed/],
    ['non-JSON segments', () => bearer('abc.def.ghi'), /malformed/],
    ['bad characters', () => bearer('a b.c.d'), /malformed/],
    ['another scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`, /bearer token/],
  ];

  it.each(cases)('answers 403 for %s, with a short detail that never echoes the token', async (_label, header, detail) => {
    const h = header();
    const r = await verifier().verify(h);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(403);
    expect(r.detail).toMatch(detail);
    expect(r.detail.length).toBeLessThan(80);
    const token = h.replace(/^\S+\s+/, '');
    for (const part of token.split('.')) if (part.length >= 8) expect(r.detail).not.toContain(part);
  });

  it('refuses to construct without audience or service account', () => {
    expect(() => oidcTaskAuth({ audience: '', serviceAccountEmail: SA })).toThrow(/audience/);
    expect(() => oidcTaskAuth({ audience: AUDIENCE, serviceAccountEmail: '' })).toThrow(/serviceAccountEmail/);
  });
});

describe('oidcTaskAuth with an OAuth2Client fetching certs from a (local) endpoint', () => {
  let server: http.Server;
  let hits = 0;
  let url = '';

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
      res.end(JSON.stringify(key.certs));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('verifies with the fetched keys and caches them', async () => {
    const client = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: url } });
    const v = oidcTaskAuth({ audience: AUDIENCE, serviceAccountEmail: SA, client });
    expect(await v.verify(bearer(mint()))).toEqual({ ok: true });
    expect(await v.verify(bearer(mint()))).toEqual({ ok: true });
    expect(await v.verify(bearer(mint({}, otherKey)))).toMatchObject({ ok: false, status: 403 });
    expect(hits).toBe(1);
  });

  it('throws (an outage, not a 403) when the keys cannot be fetched', async () => {
    const client = new OAuth2Client({ endpoints: { oauth2FederatedSignonPemCertsUrl: 'http://127.0.0.1:1/certs' } });
    const v = oidcTaskAuth({ audience: AUDIENCE, serviceAccountEmail: SA, client });
    await expect(v.verify(bearer(mint()))).rejects.toThrow();
  });
});

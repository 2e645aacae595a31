// API keys can be listed, revoked and given an expiry; failed authentications are limited per
// client and an invalid key is answered from a short negative cache, not a store read each time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../shared/index';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../backend/src/core/tenants/tenants';
import { parseExpiry } from '../../../backend/src/cli/key-expiry';
import type { BlobStore } from '../../../backend/src/ports/blob-store';
import { startTestServer, type TestServer } from '../../helpers/server';

/** Counts reads of API-key records at the storage boundary. */
class CountingStore {
  keyReads = 0;
  wrap = (store: BlobStore): BlobStore => ({
    ...store,
    get: (key) => {
      if (key.startsWith('system/api-keys/')) this.keyReads++;
      return store.get(key);
    },
    stat: (key) => store.stat(key),
    put: (key, data, options) => store.put(key, data, options),
    delete: (key, options) => store.delete(key, options),
    list: (prefix, options) => store.list(prefix, options),
    signedReadUrl: (key, ttl) => store.signedReadUrl(key, ttl),
  });
}

describe('API keys: list, revoke, expiry', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(() => s.close());

  it('lists a tenant\'s keys without the secret; a revoked or expired key stops working', async () => {
    const { deps } = s.rowshot;
    const now = deps.clock.now();
    const kept = await createApiKey(deps.store, 'acme', deps.clock, 'ci');
    const doomed = await createApiKey(deps.store, 'acme', deps.clock, 'laptop');
    const expired = await createApiKey(deps.store, 'acme', deps.clock, 'old', new Date(now - 1000).toISOString());
    const later = await createApiKey(deps.store, 'acme', deps.clock, 'temp', parseExpiry('90d', now));
    await createApiKey(deps.store, 'other', deps.clock, 'theirs');
    const get = (key: string) => s.api('/v1/batches', { key });

    expect((await get(doomed.key)).status).toBe(200);
    const listed = await listApiKeys(deps.store, 'acme');
    expect(listed.map((k) => k.keyId).sort()).toEqual([kept.keyId, doomed.keyId, expired.keyId, later.keyId].sort());
    expect(JSON.stringify(listed)).not.toContain(kept.key);
    expect(listed.find((k) => k.keyId === later.keyId)!.expiresAt).toBe(new Date(now + 90 * 86_400_000).toISOString());

    expect(await revokeApiKey(deps, 'acme', doomed.keyId)).toBe(true);
    expect(await revokeApiKey(deps, 'acme', 'nope')).toBe(false);
    // Another tenant's key id is not this tenant's to revoke.
    const theirs = (await listApiKeys(deps.store, 'other'))[0]!;
    expect(await revokeApiKey(deps, 'acme', theirs.keyId)).toBe(false);

    const revoked = await get(doomed.key);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as Problem).detail).toBe('The API key is not valid (unknown, revoked or expired)');
    expect((await get(expired.key)).status).toBe(401);
    expect((await get(kept.key)).status).toBe(200);
    expect((await get(later.key)).status).toBe(200);
    expect((await listApiKeys(deps.store, 'acme')).find((k) => k.keyId === doomed.keyId)!.revokedAt).not.toBeNull();
  });

  it('parses --expires as a lifetime or a date, refusing the past and nonsense', () => {
    const now = Date.parse('2027-01-01T00:00:00Z');
    expect(parseExpiry('12h', now)).toBe('2027-01-01T12:00:00.000Z');
    expect(parseExpiry('2027-02-01', now)).toBe('2027-02-01T00:00:00.000Z');
    expect(() => parseExpiry('2026-12-31', now)).toThrow('--expires "2026-12-31" is in the past');
    expect(() => parseExpiry('soon', now)).toThrow('--expires "soon" must be a lifetime such as 90d or 12h, or a date such as 2027-01-31');
  });
});

describe('failed authentications', () => {
  const counting = new CountingStore();
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({}, { wrapStore: counting.wrap }); });
  afterAll(() => s.close());

  it('are rate-limited per client with 429 and Retry-After, and repeated invalid keys cost no store read', async () => {
    const before = counting.keyReads;
    const statuses: number[] = [];
    for (let i = 0; i < 70; i++) statuses.push((await s.api('/v1/batches', { key: `rs_invalid-${i % 5}` })).status);
    // 60 failures (the burst) are answered 401, then the client is told to wait.
    expect(statuses.slice(0, 60).every((c) => c === 401)).toBe(true);
    expect(statuses.slice(60).every((c) => c === 429)).toBe(true);
    const limited = await s.api('/v1/batches', { key: 'rs_invalid-0' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as Problem).detail).toMatch(/^Too many failed authentications from this client; retry in \d+ s$/);
    // Five distinct invalid keys: five store reads, not 60.
    expect(counting.keyReads - before).toBe(5);
  });
});

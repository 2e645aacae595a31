// GcsStore against the real @google-cloud/storage client and an in-memory Cloud Storage fake.
import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Storage } from '@google-cloud/storage';
import { GcsOutcomeUnknownError, GcsStore, gcsErrorCode } from '../../../../backend/src/adapters/google/gcs-store';
import { GcsFake } from '../../../helpers/fakes/gcs-fake';

const BUCKET = 'rowshot-test';
const CLIENT_EMAIL = 'rowshot-test@example-project.iam.gserviceaccount.com';

let fake: GcsFake;
let storage: Storage;
let store: GcsStore;
let publicKey: crypto.KeyObject;

/** `maxRetryDelaySeconds` under 1 keeps the library's read retries fast (and breaks file.save). */
function makeStorage(maxRetryDelaySeconds = 0.05): Storage {
  return new Storage({
    apiEndpoint: fake.url,
    projectId: 'example-project',
    credentials: { client_email: CLIENT_EMAIL, private_key: privateKeyPem },
    retryOptions: { maxRetryDelay: maxRetryDelaySeconds, retryDelayMultiplier: 1.1, totalTimeout: 10 },
    // The only timeout the library honours (per-request ones are overwritten by it).
    timeout: 500,
  });
}

let privateKeyPem = '';

beforeAll(async () => {
  const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  publicKey = pair.publicKey;
  fake = await GcsFake.start();
  storage = makeStorage();
  store = new GcsStore({
    storage,
    bucket: BUCKET,
    writeRetry: { initialDelayMs: 10, maxDelayMs: 50 },
  });
});

afterAll(async () => {
  await fake?.close();
});

beforeEach(() => {
  fake.clearRequests();
});

describe('GcsStore.put', () => {
  it('create-only twice: the second is precondition_failed, and the wire carried ifGenerationMatch=0', async () => {
    const first = await store.put('c/once.json', '{"a":1}', { contentType: 'application/json', ifGenerationMatch: 0 });
    expect(first.ok).toBe(true);
    const second = await store.put('c/once.json', '{"a":2}', { contentType: 'application/json', ifGenerationMatch: 0 });
    expect(second).toEqual({ ok: false, reason: 'precondition_failed' });

    const uploads = fake.requestsFor('upload', 'c/once.json');
    expect(uploads).toHaveLength(2);
    for (const u of uploads) {
      expect(u.method).toBe('POST');
      expect(u.path).toBe(`/upload/storage/v1/b/${BUCKET}/o`);
      expect(u.query).toMatchObject({ uploadType: 'multipart', name: 'c/once.json', ifGenerationMatch: '0' });
    }
    expect(uploads.map((u) => u.status)).toEqual([200, 412]);
    // The first write is what is stored.
    const got = await store.get('c/once.json');
    expect(got?.data.toString()).toBe('{"a":1}');
    expect(got?.contentType).toBe('application/json');
    expect(first.ok && got?.generation).toBe(first.ok && first.generation);
  });

  it('compare-and-swap: the current generation wins, a stale one is precondition_failed', async () => {
    const g1 = await store.put('c/cas', 'v1');
    if (!g1.ok) throw new Error('unconditional put failed');
    expect(fake.requestsFor('upload', 'c/cas')[0]?.query.ifGenerationMatch).toBeUndefined();

    const g2 = await store.put('c/cas', 'v2', { ifGenerationMatch: g1.generation });
    if (!g2.ok) throw new Error('CAS on the current generation failed');
    expect(BigInt(g2.generation)).toBeGreaterThan(BigInt(g1.generation));

    const stale = await store.put('c/cas', 'v3', { ifGenerationMatch: g1.generation });
    expect(stale).toEqual({ ok: false, reason: 'precondition_failed' });
    expect(fake.requestsFor('upload', 'c/cas').map((r) => r.query.ifGenerationMatch)).toEqual([
      undefined,
      g1.generation,
      g1.generation,
    ]);
    expect((await store.get('c/cas'))?.data.toString()).toBe('v2');
  });

  it('a 503 before the commit is retried (one more upload) and succeeds', async () => {
    fake.injectFault({ op: 'upload', object: 'r/503', status: 503 });
    const res = await store.put('r/503', 'x', { ifGenerationMatch: 0 });
    expect(res.ok).toBe(true);
    expect(fake.requestsFor('upload', 'r/503').map((r) => r.status)).toEqual([503, 200]);
    expect(res.ok && res.generation).toBe(fake.generationOf(BUCKET, 'r/503'));
  });

  it('a 429 on a CAS write is retried too', async () => {
    const g1 = await store.put('r/429', 'a');
    if (!g1.ok) throw new Error('put failed');
    fake.injectFault({ op: 'upload', object: 'r/429', status: 429 });
    const res = await store.put('r/429', 'b', { ifGenerationMatch: g1.generation });
    expect(res.ok).toBe(true);
    expect((await store.get('r/429'))?.data.toString()).toBe('b');
  });

  it('a reply lost after the commit is recognised as our write, not a 412 on the resend', async () => {
    fake.injectFault({ op: 'upload', object: 'r/lost', status: 503, afterCommit: true });
    const res = await store.put('r/lost', 'mine', { ifGenerationMatch: 0 });
    expect(res).toEqual({ ok: true, generation: fake.generationOf(BUCKET, 'r/lost') });
    // Resolved by reading the object's write id: no second upload.
    expect(fake.requestsFor('upload', 'r/lost')).toHaveLength(1);
  });

  it('documents the library: file.save fails outright when retryOptions.maxRetryDelay is under 1 s', async () => {
    // async-retry's minTimeout is 1000 ms; save() passes maxTimeout = maxRetryDelay × 1000.
    const err = await storage
      .bucket(BUCKET)
      .file('r/lib0')
      .save(Buffer.from('x'), { resumable: false })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(String(err)).toContain('minTimeout is greater than maxTimeout');
    expect(fake.requestsFor('upload', 'r/lib0')).toHaveLength(0);
    // GcsStore does not go through save(): the same Storage instance writes fine.
    expect((await store.put('r/lib0', 'x')).ok).toBe(true);
  });

  it('documents the library: file.save with a precondition resends after a lost reply and reports 412', async () => {
    fake.injectFault({ op: 'upload', object: 'r/lib', status: 503, afterCommit: true });
    const libStorage = makeStorage(1);
    const err = await libStorage
      .bucket(BUCKET)
      .file('r/lib')
      .save(Buffer.from('mine'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    // The write committed, yet save() fails with "precondition failed": why GcsStore bypasses it.
    expect(gcsErrorCode(err)).toBe(412);
    expect(fake.requestsFor('upload', 'r/lib').map((r) => r.status)).toEqual([503, 412]);
    expect(fake.generationOf(BUCKET, 'r/lib')).not.toBeNull();
  });

  it('documents the library: file.save without a precondition is not retried on 503', async () => {
    fake.injectFault({ op: 'upload', object: 'r/lib2', status: 503 });
    const libStorage = makeStorage(1);
    const err = await libStorage
      .bucket(BUCKET)
      .file('r/lib2')
      .save(Buffer.from('x'), { resumable: false })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(gcsErrorCode(err)).toBe(503);
    expect(fake.requestsFor('upload', 'r/lib2')).toHaveLength(1);
    // …and it leaves retries switched off on the shared Storage instance (restored here).
    expect(libStorage.retryOptions.autoRetry).toBe(false);
  });

  it('an upload whose reply times out after the commit is recognised as our write', async () => {
    const g1 = await store.put('r/slow', 'v1');
    if (!g1.ok) throw new Error('put failed');
    fake.injectFault({ op: 'upload', object: 'r/slow', status: 200, delayMs: 1_500 });
    const t0 = Date.now();
    const res = await store.put('r/slow', 'v2', { ifGenerationMatch: g1.generation });
    expect(res).toEqual({ ok: true, generation: fake.generationOf(BUCKET, 'r/slow') });
    expect(Date.now() - t0).toBeLessThan(1_400); // answered after the timeout, not the slow reply
    expect(fake.requestsFor('upload', 'r/slow')).toHaveLength(2);
    expect((await store.get('r/slow'))?.data.toString()).toBe('v2');
  });

  it('a lost reply followed by another writer is "outcome unknown", never a wrong answer', async () => {
    fake.injectFault({
      op: 'upload',
      object: 'r/unknown',
      status: 503,
      afterCommit: true,
      onFault: () => fake.seed(BUCKET, 'r/unknown', 'theirs'),
    });
    await expect(store.put('r/unknown', 'mine', { ifGenerationMatch: 0 })).rejects.toBeInstanceOf(
      GcsOutcomeUnknownError,
    );
  });

  it('a reply whose checksum does not match: that generation is deleted (conditionally) and put throws', async () => {
    fake.injectFault({ op: 'upload', object: 'r/hash', status: 200, badHash: true });
    await expect(store.put('r/hash', 'payload', { ifGenerationMatch: 0 })).rejects.toThrow(/checksum/);
    const [upload] = fake.requestsFor('upload', 'r/hash');
    const deletes = fake.requestsFor('delete', 'r/hash');
    expect(upload?.status).toBe(200);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.query.ifGenerationMatch).toMatch(/^\d+$/);
    expect(deletes[0]?.status).toBe(204);
    expect(fake.generationOf(BUCKET, 'r/hash')).toBeNull();
  });

  it('an unexpected error propagates as a thrown Error', async () => {
    fake.injectFault({ op: 'upload', object: 'r/403', status: 403 });
    const err = await store.put('r/403', 'x').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(gcsErrorCode(err)).toBe(403);
  });

  it('persistent 503 gives up after the configured attempts and throws', async () => {
    fake.injectFault({ op: 'upload', object: 'r/down', status: 503, times: 10 });
    await expect(store.put('r/down', 'x', { ifGenerationMatch: 0 })).rejects.toThrow();
    expect(fake.requestsFor('upload', 'r/down')).toHaveLength(4);
  });

  it('does not touch the shared retry switch of the Storage instance', async () => {
    expect(storage.retryOptions.autoRetry).toBe(true);
    await store.put('r/switch', 'x');
    await store.put('r/switch', 'y', { ifGenerationMatch: 0 });
    await store.delete('r/switch');
    expect(storage.retryOptions.autoRetry).toBe(true);
  });
});

describe('GcsStore.get / stat', () => {
  it('returns data and the generation it belongs to, read by generation', async () => {
    const put = await store.put('g/a.txt', 'hello', { contentType: 'text/plain' });
    if (!put.ok) throw new Error('put failed');
    fake.clearRequests();
    const got = await store.get('g/a.txt');
    expect(got).toMatchObject({ key: 'g/a.txt', generation: put.generation, size: 5, contentType: 'text/plain' });
    expect(got?.data.toString()).toBe('hello');
    expect(Number.isNaN(Date.parse(got?.updated ?? ''))).toBe(false);
    const [meta, media] = fake.requests;
    expect(meta).toMatchObject({ op: 'metadata', method: 'GET', path: `/storage/v1/b/${BUCKET}/o/g/a.txt` });
    expect(media).toMatchObject({ op: 'download', query: { alt: 'media', generation: put.generation } });

    expect(await store.stat('g/a.txt')).toEqual({
      key: 'g/a.txt',
      generation: put.generation,
      size: 5,
      contentType: 'text/plain',
      updated: got?.updated,
    });
  });

  it('reads again when the generation is replaced between metadata and download', async () => {
    fake.seed(BUCKET, 'g/race', 'old');
    const newer = { gen: '' };
    fake.injectFault({
      op: 'download',
      object: 'g/race',
      status: 404,
      onFault: () => {
        newer.gen = fake.seed(BUCKET, 'g/race', 'new');
      },
    });
    const got = await store.get('g/race');
    expect(got?.data.toString()).toBe('new');
    expect(got?.generation).toBe(newer.gen);
  });

  it('null for a missing key; reads are retried by the library on 503', async () => {
    expect(await store.get('g/missing')).toBeNull();
    expect(await store.stat('g/missing')).toBeNull();
    fake.seed(BUCKET, 'g/flaky', 'ok');
    fake.injectFault({ op: 'metadata', object: 'g/flaky', status: 503 });
    expect((await store.get('g/flaky'))?.data.toString()).toBe('ok');
    expect(fake.requestsFor('metadata', 'g/flaky').map((r) => r.status)).toEqual([503, 200]);
  });
});

describe('GcsStore.delete', () => {
  it('deletes with a generation; stale or missing answers false', async () => {
    const g1 = await store.put('d/x', '1');
    const g2 = await store.put('d/x', '2');
    if (!g1.ok || !g2.ok) throw new Error('put failed');
    expect(await store.delete('d/x', { ifGenerationMatch: g1.generation })).toBe(false);
    expect(await store.delete('d/x', { ifGenerationMatch: g2.generation })).toBe(true);
    expect(await store.delete('d/x', { ifGenerationMatch: g2.generation })).toBe(false);
    expect(await store.delete('d/x')).toBe(false);
    const deletes = fake.requestsFor('delete', 'd/x');
    expect(deletes.map((r) => [r.method, r.query.ifGenerationMatch, r.status])).toEqual([
      ['DELETE', g1.generation, 412],
      ['DELETE', g2.generation, 204],
      ['DELETE', g2.generation, 404],
      ['DELETE', undefined, 404],
    ]);
    expect(deletes[0]?.path).toBe(`/storage/v1/b/${BUCKET}/o/d/x`);
    // Re-created keys get a higher generation.
    const g3 = await store.put('d/x', '3', { ifGenerationMatch: 0 });
    expect(g3.ok && BigInt(g3.generation) > BigInt(g2.generation)).toBe(true);
  });

  it('a 503 before the delete is retried; one lost after it is outcome unknown', async () => {
    const g = await store.put('d/retry', '1');
    if (!g.ok) throw new Error('put failed');
    fake.injectFault({ op: 'delete', object: 'd/retry', status: 503 });
    expect(await store.delete('d/retry', { ifGenerationMatch: g.generation })).toBe(true);
    expect(fake.requestsFor('delete', 'd/retry').map((r) => r.status)).toEqual([503, 204]);

    const h = await store.put('d/lost', '1');
    if (!h.ok) throw new Error('put failed');
    fake.injectFault({ op: 'delete', object: 'd/lost', status: 503, afterCommit: true });
    await expect(store.delete('d/lost', { ifGenerationMatch: h.generation })).rejects.toBeInstanceOf(
      GcsOutcomeUnknownError,
    );
    expect(fake.requestsFor('delete', 'd/lost')).toHaveLength(1);
  });
});

describe('GcsStore.list', () => {
  it('pages through a prefix in lexicographic order, with startAfter', async () => {
    const keys = ['l/b', 'l/a', 'l/c/1', 'l/c/2', 'l/d', 'lz', 'k/a'];
    for (const k of keys) await store.put(k, k);
    fake.clearRequests();

    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<GcsStore['list']>> = await store.list('l/', {
        maxResults: 2,
        ...(token ? { pageToken: token } : {}),
      });
      seen.push(...page.keys);
      token = page.nextPageToken;
      pages++;
    } while (token !== null && pages < 10);
    expect(seen).toEqual(['l/a', 'l/b', 'l/c/1', 'l/c/2', 'l/d']);
    expect(pages).toBe(3);
    const first = fake.requestsFor('list')[0];
    expect(first).toMatchObject({ method: 'GET', path: `/storage/v1/b/${BUCKET}/o`, query: { prefix: 'l/', maxResults: '2' } });
    expect(first?.query.pageToken).toBeUndefined();
    expect(fake.requestsFor('list')[1]?.query.pageToken).toBeTruthy();

    const after = await store.list('l/', { startAfter: 'l/c/1' });
    expect(after).toEqual({ keys: ['l/c/2', 'l/d'], nextPageToken: null });
    expect(fake.requestsFor('list').at(-1)?.query.startOffset).toBe('l/c/1');

    // startAfter before the prefix: the whole prefix; after it: nothing.
    expect((await store.list('l/', { startAfter: 'a' })).keys).toHaveLength(5);
    expect(await store.list('l/', { startAfter: 'm' })).toEqual({ keys: [], nextPageToken: null });
    expect((await store.list('l/c/')).keys).toEqual(['l/c/1', 'l/c/2']);
  });
});

describe('GcsStore.signedReadUrl', () => {
  it('is a V4 URL for the ttl, whose signature verifies with the public key', async () => {
    const before = Math.floor(Date.now() / 1000);
    const url = await store.signedReadUrl('s/img.png', 900);
    if (url === null) throw new Error('no url');
    const u = new URL(url);
    expect(u.pathname).toBe(`/${BUCKET}/s/img.png`);
    const q = u.searchParams;
    expect(q.get('X-Goog-Algorithm')).toBe('GOOG4-RSA-SHA256');
    expect(q.get('X-Goog-Expires')).toBe('900');
    expect(q.get('X-Goog-SignedHeaders')).toBe('host');
    const credential = q.get('X-Goog-Credential') ?? '';
    expect(credential.startsWith(`${CLIENT_EMAIL}/`)).toBe(true);
    const date = q.get('X-Goog-Date') ?? '';
    const signedAt = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z')) / 1000;
    expect(signedAt).toBeGreaterThanOrEqual(before);
    expect(signedAt).toBeLessThanOrEqual(before + 2);
    const signature = q.get('X-Goog-Signature') ?? '';
    expect(signature).toMatch(/^[0-9a-f]{512}$/);

    // Reconstruct the V4 string-to-sign and verify it.
    const rfc3986 = (s: string) =>
      encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const canonicalQuery = [...q.entries()]
      .filter(([k]) => k !== 'X-Goog-Signature')
      .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const canonicalRequest = ['GET', u.pathname, canonicalQuery, `host:${u.hostname}\n`, 'host', 'UNSIGNED-PAYLOAD'].join(
      '\n',
    );
    const scope = credential.slice(CLIENT_EMAIL.length + 1);
    const stringToSign = [
      'GOOG4-RSA-SHA256',
      date,
      scope,
      crypto.createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    expect(crypto.verify('RSA-SHA256', Buffer.from(stringToSign), publicKey, Buffer.from(signature, 'hex'))).toBe(true);
    // The expiry is covered by the signature: a longer one does not verify.
    const longer = canonicalRequest.replace('X-Goog-Expires=900', 'X-Goog-Expires=9000');
    const forged = stringToSign.replace(
      crypto.createHash('sha256').update(canonicalRequest).digest('hex'),
      crypto.createHash('sha256').update(longer).digest('hex'),
    );
    expect(crypto.verify('RSA-SHA256', Buffer.from(forged), publicKey, Buffer.from(signature, 'hex'))).toBe(false);
    // Signing makes no request.
    expect(fake.requests).toHaveLength(0);
  });

  it('caps the ttl at 7 days (and at the configured maximum)', async () => {
    const url = new URL((await store.signedReadUrl('s/a', 30 * 24 * 3600)) ?? '');
    expect(url.searchParams.get('X-Goog-Expires')).toBe(String(7 * 24 * 3600));
    const capped = new GcsStore({ storage, bucket: BUCKET, signedUrlTtlSeconds: 600 });
    const url2 = new URL((await capped.signedReadUrl('s/a', 3600)) ?? '');
    expect(url2.searchParams.get('X-Goog-Expires')).toBe('600');
  });
});

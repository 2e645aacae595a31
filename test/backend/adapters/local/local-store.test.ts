import { existsSync, lstatSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../../../backend/src/adapters/local/local-store';
import type { BlobStore } from '../../../../backend/src/ports/blob-store';
import { fixture, killChildren, runTs, tempDir } from './fixtures/helpers';

const cleanups: (() => void)[] = [];
afterEach(() => {
  killChildren();
  for (const c of cleanups.splice(0)) c();
});
function newRoot(label = 'store', base?: string): string {
  const t = tempDir(label, base);
  cleanups.push(t.cleanup);
  return t.dir;
}

async function listAll(store: BlobStore, prefix: string, pageSize: number): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(prefix, pageToken === undefined ? { maxResults: pageSize } : { maxResults: pageSize, pageToken });
    pages++;
    keys.push(...page.keys);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return { keys, pages };
}

/** CAS increment of a decimal counter; returns how many conflicts it met. */
async function increment(store: BlobStore, key: string): Promise<number> {
  for (let conflicts = 0; ; conflicts++) {
    const cur = await store.get(key);
    const value = cur === null ? 0 : Number(cur.data.toString());
    const r = await store.put(key, String(value + 1), { ifGenerationMatch: cur === null ? 0 : cur.generation });
    if (r.ok) return conflicts;
  }
}

describe('LocalStore: objects', () => {
  it('stores bytes with content type, size and update time; stat has no data; signedReadUrl is null', async () => {
    const store = new LocalStore(newRoot());
    const before = Date.now();
    const bin = Buffer.from([0, 10, 255, 13, 10, 0]);
    const r = await store.put('a/b/img.png', bin, { contentType: 'image/png' });
    expect(r.ok).toBe(true);
    const got = await store.get('a/b/img.png');
    expect(got).not.toBeNull();
    expect(got?.data.equals(bin)).toBe(true);
    expect(got).toMatchObject({ key: 'a/b/img.png', size: 6, contentType: 'image/png', generation: r.ok ? r.generation : 'x' });
    expect(Date.parse(got?.updated ?? '')).toBeGreaterThanOrEqual(before - 1000);

    await store.put('text', 'héllo');
    const meta = await store.stat('text');
    expect(meta).toEqual({ key: 'text', generation: expect.any(String), size: Buffer.byteLength('héllo'), contentType: 'application/octet-stream', updated: expect.any(String) });
    expect(meta).not.toHaveProperty('data');
    expect((await store.get('text'))?.data.toString()).toBe('héllo');

    // empty object, and a long content type (the header is read in more than one block)
    await store.put('empty', Buffer.alloc(0), { contentType: 'x/'.padEnd(5000, 'y') });
    expect(await store.stat('empty')).toMatchObject({ size: 0, contentType: 'x/'.padEnd(5000, 'y') });
    expect((await store.get('empty'))?.data.length).toBe(0);

    expect(await store.get('missing')).toBeNull();
    expect(await store.stat('missing')).toBeNull();
    expect(await store.signedReadUrl('text', 60)).toBeNull();
  });

  it('validates every key', async () => {
    const store = new LocalStore(newRoot());
    for (const bad of ['', '/a', 'a/', 'a//b', 'a/../b', '.', 'a/./b', 'a b', 'a@b', 'x\u00e9']) {
      await expect(store.get(bad)).rejects.toThrow(/invalid blob key/);
      await expect(store.stat(bad)).rejects.toThrow(/invalid blob key/);
      await expect(store.put(bad, 'x')).rejects.toThrow(/invalid blob key/);
      await expect(store.delete(bad)).rejects.toThrow(/invalid blob key/);
      await expect(store.signedReadUrl(bad, 1)).rejects.toThrow(/invalid blob key/);
    }
  });

  it('create-only, compare-and-swap and conditional delete fail as values, never throws', async () => {
    const store = new LocalStore(newRoot());
    const c1 = await store.put('k', 'one', { ifGenerationMatch: 0 });
    expect(c1.ok).toBe(true);
    if (!c1.ok) return;
    expect(await store.put('k', 'again', { ifGenerationMatch: 0 })).toEqual({ ok: false, reason: 'precondition_failed' });

    const c2 = await store.put('k', 'two', { ifGenerationMatch: c1.generation });
    expect(c2.ok).toBe(true);
    if (!c2.ok) return;
    expect(BigInt(c2.generation)).toBeGreaterThan(BigInt(c1.generation));
    // stale generation, garbage generation, generation of a missing key
    expect(await store.put('k', 'stale', { ifGenerationMatch: c1.generation })).toEqual({ ok: false, reason: 'precondition_failed' });
    expect(await store.put('k', 'junk', { ifGenerationMatch: 'not-a-gen' })).toEqual({ ok: false, reason: 'precondition_failed' });
    expect(await store.put('nope', 'x', { ifGenerationMatch: c2.generation })).toEqual({ ok: false, reason: 'precondition_failed' });
    expect((await store.get('k'))?.data.toString()).toBe('two');

    expect(await store.delete('k', { ifGenerationMatch: c1.generation })).toBe(false);
    expect(await store.delete('nope')).toBe(false);
    expect(await store.delete('k', { ifGenerationMatch: c2.generation })).toBe(true);
    expect(await store.get('k')).toBeNull();
    expect(await store.stat('k')).toBeNull();
    expect(await store.delete('k')).toBe(false);
    // CAS against the generation that existed before the delete must fail
    expect(await store.put('k', 'ghost', { ifGenerationMatch: c2.generation })).toEqual({ ok: false, reason: 'precondition_failed' });
  });

  it('generations keep increasing across delete and re-create', async () => {
    const store = new LocalStore(newRoot());
    const seen: bigint[] = [];
    for (let round = 0; round < 3; round++) {
      const a = await store.put('cycle/x', `v${round}`, { ifGenerationMatch: 0 });
      const b = await store.put('cycle/x', `w${round}`);
      expect(a.ok && b.ok).toBe(true);
      if (a.ok && b.ok) seen.push(BigInt(a.generation), BigInt(b.generation));
      expect(await store.delete('cycle/x')).toBe(true);
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as bigint);
    // a second instance on the same root agrees
    const other = new LocalStore(store.rootDir);
    const c = await other.put('cycle/x', 'fresh', { ifGenerationMatch: 0 });
    expect(c.ok && BigInt(c.generation) > (seen[seen.length - 1] as bigint)).toBe(true);
  });

  it('readers never see a partial object while another writer rewrites it', async () => {
    const store = new LocalStore(newRoot(), { fsync: false });
    const size = 512 * 1024;
    await store.put('big', Buffer.alloc(size, 1));
    let writing = true;
    const writer = (async () => {
      for (let v = 2; v < 40; v++) await store.put('big', Buffer.alloc(size, v));
      writing = false;
    })();
    const reader = new LocalStore(store.rootDir);
    let reads = 0;
    while (writing) {
      const got = await reader.get('big');
      expect(got?.data.length).toBe(size);
      const first = got?.data[0] ?? -1;
      expect(got?.data.every((b) => b === first)).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(5);
  });

  it('cleans superseded generations after the grace period, keeping the tombstone of a deleted key', async () => {
    const root = newRoot();
    const store = new LocalStore(root, { cleanupGraceMs: 100 });
    let last = '';
    for (let i = 0; i < 5; i++) {
      const r = await store.put('g/hot', `v${i}`);
      if (r.ok) last = r.generation;
    }
    await store.put('g/gone', 'x');
    await store.put('g/gone', 'y');
    await store.delete('g/gone');
    const genDir = (k: string) => path.join(root, 'objects', 'g', `${k}@`);
    // a temp file left by a writer that crashed two hours ago, and a fresh one (a write in progress)
    const stale = path.join(genDir('gone'), '~crashed-1');
    writeFileSync(stale, 'partial');
    utimesSync(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    writeFileSync(path.join(genDir('hot'), '~inprogress-1'), 'partial');
    expect(readdirSync(genDir('hot')).length).toBe(6);
    expect((await store.list('g/')).keys).toEqual(['g/hot']); // list notices gone@ needs cleaning
    await sleep(500);
    expect(readdirSync(genDir('hot')).sort()).toEqual([last.padStart(20, '0'), '~inprogress-1']);
    expect((await store.get('g/hot'))?.data.toString()).toBe('v4');
    const gone = readdirSync(genDir('gone'));
    expect(gone).toHaveLength(1); // just the tombstone
    expect(lstatSync(path.join(genDir('gone'), gone[0] as string)).isSymbolicLink()).toBe(true);
    expect(await store.get('g/gone')).toBeNull();
  });

  it('never removes a superseded generation younger than the grace period', async () => {
    const root = newRoot();
    const store = new LocalStore(root, { cleanupGraceMs: 600 });
    const dir = path.join(root, 'objects', 'y@');
    const gen = async (v: string) => {
      const r = await store.put('y', v);
      return r.ok ? r.generation.padStart(20, '0') : '';
    };
    const y0 = await gen('0');
    const y1 = await gen('1'); // superseding y0 arms the cleanup timer (~600 ms from now)
    await sleep(300);
    const y2 = await gen('2');
    const y3 = await gen('3');
    await sleep(350); // the first cleanup has run (unless the machine is very slow): y2 is only ~350 ms old
    const mid = readdirSync(dir);
    expect(mid).toContain(y2);
    expect(mid).toContain(y3);
    await sleep(1200);
    expect(readdirSync(dir)).toEqual([y3]); // y0, y1, y2 all cleaned once old enough
    // Whether y0/y1 were already gone at the first look depends on timer precision (y1 is
    // ~600 ms old right then), so only what must hold is asserted: nothing else was ever there.
    expect(mid.every((g) => [y0, y1, y2, y3].includes(g))).toBe(true);
  });

  it('reclaims the directories of keys deleted long ago; generations still increase after a re-create', async () => {
    const root = newRoot();
    // grace 100 ms ⇒ writers stop building on a tombstone 100 ms before it may be reclaimed
    const store = new LocalStore(root, { cleanupGraceMs: 100, reclaimDeletedAfterMs: 400 });
    const keyDir = (k: string) => path.join(root, 'objects', 'r', `${k}@`);
    const gens: Record<string, bigint> = {};
    const deleting: Record<string, number> = {};
    for (const k of ['listed', 'rewritten', 'young']) {
      const a = await store.put(`r/${k}`, 'v1');
      if (a.ok) gens[k] = BigInt(a.generation);
      deleting[k] = performance.now();
      expect(await store.delete(`r/${k}`)).toBe(true);
    }
    const before = await store.put('r/young', 'again'); // on a fresh tombstone: continues the sequence
    expect(before.ok && BigInt(before.generation)).toBe((gens.young ?? 0n) + 2n);
    await sleep(350); // tombstones are now 350 ms old: past reclaim − guard, not yet reclaimable

    // A writer re-creating the key waits for the guard, reclaims the directory and starts a fresh one.
    // Measured from before the delete, so a slow machine (a late wake-up from the sleep) cannot
    // make it pass or fail by timing alone: the write lands only once the tombstone is reclaimable
    // (a few ms of slack: file times and performance.now() are different clocks).
    const re = await store.put('r/rewritten', 'v2', { ifGenerationMatch: 0 });
    expect(performance.now() - (deleting.rewritten ?? 0)).toBeGreaterThanOrEqual(400 - 5);
    expect(re.ok && BigInt(re.generation) > (gens.rewritten ?? 0n) + 1n).toBe(true);
    expect(readdirSync(keyDir('rewritten'))).toHaveLength(1);
    expect((await store.get('r/rewritten'))?.data.toString()).toBe('v2');

    // list() reclaims dead keys it walks past
    await sleep(100);
    expect(existsSync(keyDir('listed'))).toBe(true);
    expect((await store.list('r/')).keys).toEqual(['r/rewritten', 'r/young']);
    expect(existsSync(keyDir('listed'))).toBe(false);
    await sleep(50);
    expect(readdirSync(path.join(root, 'objects', 'r')).sort()).toEqual(['rewritten@', 'young@']); // graves removed
    // a CAS against a generation from before the reclaim fails; re-creating gives a higher generation
    // (through a second instance: the numbering must not depend on one process's memory)
    const other = new LocalStore(root, { cleanupGraceMs: 100, reclaimDeletedAfterMs: 400 });
    expect(await other.put('r/listed', 'x', { ifGenerationMatch: String((gens.listed ?? 0n) + 1n) })).toEqual({ ok: false, reason: 'precondition_failed' });
    const again = await other.put('r/listed', 'v3', { ifGenerationMatch: 0 });
    expect(again.ok && BigInt(again.generation) > (gens.listed ?? 0n) + 1n).toBe(true);
  });
});

describe('LocalStore: list', () => {
  it('returns full keys in lexicographic order, by prefix, excluding deleted ones, paginated', async () => {
    const store = new LocalStore(newRoot(), { fsync: false });
    // '-' and '.' sort before '/', digits and letters after: segment-wise order would be wrong.
    const keys = ['a', 'a-b', 'a.c', 'a/x', 'a/y/z', 'a/y-', 'a0', 'a=1', 'b/c/d/e', 'b_', 'B', 'a/y/z/deeper', 'zz/top'];
    for (const k of keys) await store.put(k, k);
    await store.put('a/deleted', 'x');
    await store.delete('a/deleted');
    await store.put('dead/only', 'x');
    await store.delete('dead/only');
    const sorted = [...keys].sort();

    expect((await store.list('')).keys).toEqual(sorted);
    expect((await store.list('a')).keys).toEqual(sorted.filter((k) => k.startsWith('a')));
    expect((await store.list('a/')).keys).toEqual(['a/x', 'a/y-', 'a/y/z', 'a/y/z/deeper']);
    expect((await store.list('a/y')).keys).toEqual(['a/y-', 'a/y/z', 'a/y/z/deeper']);
    expect((await store.list('b/c/')).keys).toEqual(['b/c/d/e']);
    expect((await store.list('dead/')).keys).toEqual([]);
    expect((await store.list('nothing/here/')).keys).toEqual([]);
    expect((await store.list('a', { startAfter: 'a/x' })).keys).toEqual(sorted.filter((k) => k.startsWith('a') && k > 'a/x'));
    expect((await store.list('', { startAfter: 'a/y/z' })).keys).toEqual(sorted.filter((k) => k > 'a/y/z'));

    for (const pageSize of [1, 2, 3, 5]) {
      const { keys: paged, pages } = await listAll(store, '', pageSize);
      expect(paged).toEqual(sorted);
      expect(pages).toBe(Math.ceil(sorted.length / pageSize));
    }
    const first = await store.list('', { maxResults: sorted.length });
    expect(first.nextPageToken).toBeNull();
  });

  it('handles segments longer than a file name allows, keeping list order and prefixes', async () => {
    const store = new LocalStore(newRoot(), { fsync: false });
    const A = 'a'.repeat(200); // the chunk size
    const keys = [
      A,
      `${A}-`,
      `${A}/x`,
      `${A}0`,
      `${A}${'b'.repeat(300)}`,
      `${A}${'b'.repeat(300)}/deep/${'c'.repeat(500)}`,
      'a'.repeat(199),
      `${'a'.repeat(199)}b`,
      'a'.repeat(400),
      'a'.repeat(401),
      `x/${'y'.repeat(1000)}`,
      'b',
    ];
    for (const k of keys) {
      const r = await store.put(k, k, { ifGenerationMatch: 0 });
      expect(r.ok).toBe(true);
      expect((await store.get(k))?.data.toString()).toBe(k);
    }
    expect((await store.put(`x/${'y'.repeat(1000)}`, 'again', { ifGenerationMatch: 0 })).ok).toBe(false);
    const sorted = [...keys].sort();
    expect((await store.list('')).keys).toEqual(sorted);
    expect((await store.list(A)).keys).toEqual(sorted.filter((k) => k.startsWith(A)));
    expect((await store.list(`${A}bb`)).keys).toEqual(sorted.filter((k) => k.startsWith(`${A}bb`)));
    expect((await store.list(`${A}${'b'.repeat(300)}/`)).keys).toEqual([`${A}${'b'.repeat(300)}/deep/${'c'.repeat(500)}`]);
    expect((await store.list('', { startAfter: `${A}-` })).keys).toEqual(sorted.filter((k) => k > `${A}-`));
    for (const pageSize of [1, 2, 5]) expect((await listAll(store, '', pageSize)).keys).toEqual(sorted);
    expect(await store.delete('a'.repeat(400))).toBe(true);
    expect((await store.list('a'.repeat(300))).keys).toEqual(['a'.repeat(401)]);
  });

  it('lists 10,000 keys of a prefix in pages capped at 1,000 (the time is printed)', async () => {
    // On tmpfs when there is one: creating and removing 10,000 keys on this VM's ext4 takes ~8 s of the
    // test budget, while listing (syscall-bound, dentries cached) measures the same on both (~0.3 s).
    const root = newRoot('list10k', existsSync('/dev/shm') ? '/dev/shm' : undefined);
    const writer = new LocalStore(root, { fsync: false });
    const n = 10_000;
    // The core's layout: one prefix holding a batch's 10,000 row records.
    const names = Array.from({ length: n }, (_, i) => `tenants/t/batches/b1/rows/${String(i).padStart(6, '0')}.json`);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) await writer.put(names[next++] as string, '{}');
      }),
    );
    const writeMs = performance.now() - t0;
    await writer.put('tenants/t/batches/b1/manifest.json', '{}');
    await writer.put('tenants/t/batches/b1/rows-extra.json', '{}');
    await writer.put('tenants/t/batches/b2/rows/000000.json', '{}');

    const store = new LocalStore(root);
    const t1 = performance.now();
    const { keys, pages } = await listAll(store, 'tenants/t/batches/b1/rows/', 1000);
    const listMs = performance.now() - t1;
    expect(keys).toEqual(names);
    expect(pages).toBe(10);
    const big = await store.list('tenants/t/batches/b1/rows/', { maxResults: 5000 });
    expect(big.keys).toHaveLength(1000);
    expect(big.nextPageToken).not.toBeNull();
    console.info(`LocalStore: ${n} puts (fsync off) ${writeMs.toFixed(0)} ms; list of ${n} keys in 10 pages ${listMs.toFixed(0)} ms`);
  });
});

describe('LocalStore: concurrency', () => {
  it('in one process: concurrent CAS increments through two instances lose nothing; one create-only wins', async () => {
    const root = newRoot();
    const a = new LocalStore(root);
    const b = new LocalStore(root);
    const workers = 12;
    const each = 8;
    const conflicts = await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        let c = 0;
        for (let i = 0; i < each; i++) c += await increment(w % 2 === 0 ? a : b, 'counter');
        return c;
      }),
    );
    expect((await a.get('counter'))?.data.toString()).toBe(String(workers * each));
    expect(conflicts.reduce((x, y) => x + y, 0)).toBeGreaterThan(0); // there was contention

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).put('once', `w${i}`, { ifGenerationMatch: 0 })));
    const winners = results.map((r, i) => (r.ok ? i : -1)).filter((i) => i >= 0);
    expect(winners).toHaveLength(1);
    expect((await a.get('once'))?.data.toString()).toBe(`w${winners[0]}`);
  });

  it('across processes: CAS increment loops lose nothing; concurrent create-only has exactly one winner', async () => {
    const root = newRoot('xproc');
    const procs = 4;
    const each = 40;
    const go = path.join(root, 'go');
    const children = [
      ...Array.from({ length: procs }, () => runTs(fixture('store-worker.ts'), ['cas', root, 'shared/counter', String(each)])),
      ...Array.from({ length: procs }, (_, i) => runTs(fixture('store-worker.ts'), ['create', root, 'race', '40', `p${i}`, go])),
    ];
    await Promise.all(children.slice(procs).map((c) => c.waitForLine((l) => l === 'ready')));
    writeFileSync(go, ''); // all racers are up: start together
    const exits = await Promise.all(children.map((c) => c.exited));
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });

    const store = new LocalStore(root);
    expect((await store.get('shared/counter'))?.data.toString()).toBe(String(procs * each));
    const totalConflicts = children.slice(0, procs).reduce((s, c) => s + (JSON.parse(c.lines[0] ?? '{}') as { conflicts: number }).conflicts, 0);

    const wins = children.slice(procs).map((c) => JSON.parse(c.lines[1] ?? '[]') as number[]);
    for (let i = 0; i < 40; i++) {
      const owners = wins.map((w, p) => (w.includes(i) ? p : -1)).filter((p) => p >= 0);
      expect(owners, `key race/${i}`).toHaveLength(1);
      expect((await store.get(`race/${i}`))?.data.toString()).toBe(`p${owners[0]}`);
    }
    console.info(`LocalStore cross-process: ${procs * each} increments with ${totalConflicts} CAS conflicts; create-only wins per process ${wins.map((w) => w.length).join('/')}`);
  });

  it('kill -9 during writes never leaves a partial or corrupt object', async () => {
    const root = newRoot('kill');
    const size = 2 * 1024 * 1024;
    for (let round = 0; round < 3; round++) {
      const child = runTs(fixture('store-worker.ts'), ['churn', root, 'victim', String(size)]);
      await child.waitForLine((l) => l === `wrote ${2 + round}`);
      await sleep(15 + round * 20);
      child.proc.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');

      const store = new LocalStore(root);
      const got = await store.get('victim');
      expect(got).not.toBeNull();
      if (got === null) return;
      expect(got.size).toBe(size);
      expect(got.data.length).toBe(size);
      const v = got.data[0] ?? -1;
      expect(got.data.every((b) => b === v)).toBe(true);
      expect(got.contentType).toMatch(/^application\/x-v\d+$/);
      expect(Number(got.contentType.slice('application/x-v'.length)) % 251).toBe(v);
      // the store is still fully usable: CAS on the surviving generation works
      expect((await store.put('victim', 'after', { ifGenerationMatch: got.generation })).ok).toBe(true);
      expect(await store.list('')).toEqual({ keys: ['victim'], nextPageToken: null });
    }
  });
});

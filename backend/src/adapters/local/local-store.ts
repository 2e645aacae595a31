// LocalStore: the BlobStore port on the local filesystem, with Cloud Storage semantics, safe for
// concurrent use from one process and from several processes sharing the root directory.
//
// Layout (under rootDir/objects):
//   <seg1>/…/<segK>@/<generation>   one "key directory" per key (its last segment suffixed '@', a
//                                   character no key has), holding one entry per generation, named by
//                                   the generation zero-padded to 20 digits:
//                                     - a regular file = an object version: one JSON header line
//                                       {"t":contentType,"u":updatedIso}, then the bytes;
//                                     - a symlink      = a tombstone (the key was deleted).
//                                   Writes in progress keep a temp file `~…` there too.
//   <seg1>/…/<segK>/                the keys below `<seg1>/…/<segK>/` (`a@` and `a/` never collide).
// A segment longer than 200 characters (file names stop at 255 bytes) is stored as a chain of
// directories: 200-character chunks suffixed '+' (not a key character either), then the rest.
// `<seg>@~p…` and `<seg>@~d…` siblings are key directories being born and being reclaimed.
//
// Lock-free commits; nothing is ever locked, so a crash leaves nothing to recover, only garbage that
// is reaped (temp files, half-born or half-reclaimed directories).
//
// * Updating an existing key: its current generation is the highest entry of its key directory (a
//   symlink there means deleted). To write after reading generation M:
//     1. write the bytes to a temp file inside the key directory, fsync;
//     2. synchronously: readdir, check the precondition against the maximum M, link(temp, dir/M+1)
//        (a tombstone: symlink(dir/M+1)). link and symlink fail with EEXIST if the name exists, so of
//        all writers that read M exactly one commits M+1: that is the compare-and-swap, and
//        create-only and unconditional writes are the same step with another precondition
//        (unconditional writes retry on EEXIST). A version appears whole, under its final name;
//        readers never see a partial object, even after kill -9;
//     3. fsync the directory: the commit is durable before put() resolves.
// * Creating a key that has no directory: write the first generation into a private sibling
//   `<seg>@~p<unique>/`, then rename it to `<seg>@`. rename() of a directory fails when the target
//   exists and is not empty — a key directory never is — so of several creators exactly one wins; the
//   others see the directory and continue as updates (or fail their create-only precondition).
//   A new directory's first generation is the clock in microseconds, so generations keep increasing
//   even when an old, reclaimed directory of the same key is forgotten (see below).
// * Deleting writes a tombstone generation, so a re-create continues the sequence.
//
// Cleaning superseded generations. Old (non-maximal) generations are removed lazily. Removing a name
// reopens it for link(), so a writer that read M long ago could in principle link M+1 after M+1 was
// committed by someone else and then cleaned, and believe it won. (The naive fix — "after linking,
// check you are the maximum and back out otherwise" — loses acknowledged writes: a legitimate M+1 can
// already be followed by an M+2 built on it.) Two timing rules exclude the interleaving instead:
//   - a superseded generation is removed only once its ctime is older than `cleanupGraceMs` (2 s);
//   - step 2 runs with back-to-back synchronous syscalls, timed: M+1 was absent from the readdir, so
//     it was created after the readdir began and could not be removed before grace elapsed; the link
//     follows the readdir within microseconds. Should the process be frozen for grace/2 in between,
//     the writer does not answer: put() throws "outcome unknown" (never a wrong PutResult), as a
//     timed-out request to Cloud Storage would.
// Key directories thus hold ~grace worth of versions: small, so one getdents call reads them whole,
// atomically with respect to link/unlink.
//
// Reclaiming deleted keys. A key directory whose maximum is a tombstone older than
// `reclaimDeletedAfterMs` (1 h) is renamed to `<seg>@~d<unique>` and removed (by list() walks, which
// is where dead keys get noticed, or by a writer re-creating the key). Why no acknowledged write is
// lost: a writer may link onto a tombstone only if the tombstone is younger than reclaim − guard
// (guard = 2 × grace/2), measured in its timed step 2; the reclaimer checks, in one synchronous step,
// that the maximum is a tombstone at least `reclaim` old, then renames. A write linked after that
// check would need a read→link gap larger than guard, and such writers throw instead of answering.
// A writer whose temp file was inside a directory that got renamed away fails its link (the source
// path is gone) and starts over. A writer meeting a tombstone aged between reclaim − guard and
// reclaim waits out the guard, reclaims, and creates a fresh directory. Only deleted keys that are
// never listed again keep their (one-tombstone) directory.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  assertValidKey,
  type BlobMeta,
  type BlobStore,
  type Generation,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
  type StoredBlob,
} from '../../ports/blob-store';

export interface LocalStoreOptions {
  /**
   * fsync data files before committing them and directories after (default true). Off keeps
   * atomicity and kill -9 safety (the page cache survives a process crash) but not durability
   * across a power loss; meant for benchmarks and throwaway stores.
   */
  fsync?: boolean;
  /**
   * How long a superseded generation is kept before it may be removed (default 2000, min 100). A write
   * whose read-to-commit step (back-to-back syscalls) is frozen for half of this throws instead of
   * answering.
   */
  cleanupGraceMs?: number;
  /** Age of a tombstone after which its key directory may be reclaimed (default 1 hour). */
  reclaimDeletedAfterMs?: number;
}

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** GCS caps a listing page at 1,000 items; so do we, so pagination bugs show up locally. */
const MAX_PAGE = 1000;
const GEN_DIGITS = 20;
const GEN_NAME = /^\d{20}$/;
const SEGMENT = /^[A-Za-z0-9._=-]+$/;
const TOMBSTONE_TARGET = 'deleted';
const TMP_PREFIX = '~';
/** Suffixes (after the key directory's name) of directories being born / being reclaimed. */
const BIRTH = '~p';
const DEATH = '~d';
/** Crash leftovers (temp files, unborn directories) are reaped after this long. */
const LEFTOVER_AGE_MS = 60 * 60 * 1000;
/** Longest segment stored as one directory name; longer ones become chains of `chunk+` directories. */
const CHUNK = 200;
const CONTINUED = '+';

interface GenScan {
  /** Ascending generation numbers present. */
  gens: number[];
  /** Highest generation, 0 when none. */
  max: number;
  /** Whether the highest generation is a tombstone. */
  deleted: boolean;
  /** Temp files present (writes in progress, or left by a crash). */
  temps: number;
}

type Precondition = (scan: GenScan | null) => boolean;

/** What the synchronous commit step decided. */
type CommitOutcome =
  | { kind: 'committed'; generation: number; superseded: boolean }
  | { kind: 'precondition_failed' }
  /** The key directory (or our temp file in it) is gone: it was reclaimed. Start over. */
  | { kind: 'vanished' }
  /** The maximum is a tombstone too old to build on: reclaim the directory once it is `reclaimAt`. */
  | { kind: 'old_tombstone'; reclaimAt: number };

const isLive = (s: GenScan | null): s is GenScan => s !== null && s.max > 0 && !s.deleted;
const validSegment = (seg: string) => SEGMENT.test(seg) && seg !== '.' && seg !== '..';

/** The directory names a key segment maps to (`suffix` '@' for its key directory). */
function segmentPath(seg: string, suffix: '' | '@'): string[] {
  const parts: string[] = [];
  let rest = seg;
  while (rest.length > CHUNK) {
    parts.push(rest.slice(0, CHUNK) + CONTINUED);
    rest = rest.slice(CHUNK);
  }
  parts.push(rest + suffix);
  return parts;
}

interface ListItem {
  /** The key (self) or the key prefix ending in '/' (tree). */
  full: string;
  tree: boolean;
  abs: string;
}

function genFileName(n: number): string {
  return String(n).padStart(GEN_DIGITS, '0');
}

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

const isMissing = (e: unknown) => errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR';

function scanEntries(entries: fs.Dirent[]): GenScan {
  const gens: number[] = [];
  let max = 0;
  let deleted = false;
  let temps = 0;
  for (const e of entries) {
    if (!GEN_NAME.test(e.name)) {
      if (e.name.startsWith(TMP_PREFIX)) temps++;
      continue;
    }
    const n = Number(e.name);
    gens.push(n);
    if (n > max) {
      max = n;
      deleted = e.isSymbolicLink();
    }
  }
  gens.sort((a, b) => a - b);
  return { gens, max, deleted, temps };
}

/** Parses a generation we issued ("1", "1763785123456001"); null for anything else. */
function parseGeneration(g: Generation): number | null {
  if (!/^[1-9]\d{0,15}$/.test(g)) return null;
  const n = Number(g);
  return Number.isSafeInteger(n) ? n : null;
}

function encodePageToken(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  try {
    assertValidKey(key);
  } catch {
    throw new Error(`invalid pageToken: ${JSON.stringify(token)}`);
  }
  return key;
}

interface Header {
  t: string;
  u: string;
}

function decodeHeader(buf: Buffer, end: number): Header {
  const h = JSON.parse(buf.subarray(0, end).toString('utf8')) as Partial<Header>;
  return { t: typeof h.t === 'string' ? h.t : DEFAULT_CONTENT_TYPE, u: typeof h.u === 'string' ? h.u : new Date(0).toISOString() };
}

function removeTree(dir: string): void {
  void fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

export class LocalStore implements BlobStore {
  private readonly objectsDir: string;
  private readonly fsync: boolean;
  private readonly graceMs: number;
  private readonly stallMs: number;
  private readonly reclaimMs: number;
  private readonly guardMs: number;
  private readonly knownParents = new Set<string>();
  private counter = 0;
  private readonly uniquePrefix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly pendingCleanup = new Set<string>();
  private cleanupTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly rootDir: string,
    options: LocalStoreOptions = {},
  ) {
    this.objectsDir = path.join(path.resolve(rootDir), 'objects');
    this.fsync = options.fsync ?? true;
    this.graceMs = Math.max(100, options.cleanupGraceMs ?? 2000);
    this.stallMs = this.graceMs / 2;
    this.guardMs = 2 * this.stallMs;
    this.reclaimMs = Math.max(2 * this.guardMs, options.reclaimDeletedAfterMs ?? 60 * 60 * 1000);
    fs.mkdirSync(this.objectsDir, { recursive: true });
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  async get(key: string): Promise<StoredBlob | null> {
    assertValidKey(key);
    const dir = this.keyDir(key);
    for (let attempt = 0; attempt < 100; attempt++) {
      const scan = await this.scan(dir);
      if (!isLive(scan)) return null;
      this.noteOldGenerations(dir, scan);
      let buf: Buffer;
      try {
        buf = await fsp.readFile(path.join(dir, genFileName(scan.max)));
      } catch (e) {
        if (isMissing(e)) continue; // superseded and cleaned since the readdir: read again
        throw e;
      }
      const nl = buf.indexOf(10);
      if (nl < 0) throw new Error(`LocalStore: corrupt object ${key} generation ${scan.max}`);
      const h = decodeHeader(buf, nl);
      const data = buf.subarray(nl + 1);
      return { key, generation: String(scan.max), size: data.length, contentType: h.t, updated: h.u, data };
    }
    throw new Error(`LocalStore: could not read ${key}: too many concurrent rewrites`);
  }

  async stat(key: string): Promise<BlobMeta | null> {
    assertValidKey(key);
    const dir = this.keyDir(key);
    for (let attempt = 0; attempt < 100; attempt++) {
      const scan = await this.scan(dir);
      if (!isLive(scan)) return null;
      let fh: fsp.FileHandle;
      try {
        fh = await fsp.open(path.join(dir, genFileName(scan.max)), 'r');
      } catch (e) {
        if (isMissing(e)) continue;
        throw e;
      }
      try {
        const { size } = await fh.stat();
        // The header is one short JSON line: read a first block, and the whole file if it is longer.
        let buf = Buffer.alloc(Math.min(size, 4096));
        let { bytesRead } = await fh.read(buf, 0, buf.length, 0);
        let nl = buf.subarray(0, bytesRead).indexOf(10);
        if (nl < 0 && bytesRead < size) {
          buf = Buffer.alloc(size);
          ({ bytesRead } = await fh.read(buf, 0, size, 0));
          nl = buf.subarray(0, bytesRead).indexOf(10);
        }
        if (nl < 0) throw new Error(`LocalStore: corrupt object ${key} generation ${scan.max}`);
        const h = decodeHeader(buf, nl);
        return { key, generation: String(scan.max), size: size - nl - 1, contentType: h.t, updated: h.u };
      } finally {
        await fh.close();
      }
    }
    throw new Error(`LocalStore: could not stat ${key}: too many concurrent rewrites`);
  }

  async signedReadUrl(key: string, _ttlSeconds: number): Promise<string | null> {
    assertValidKey(key);
    return null;
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  async put(key: string, data: Buffer | string, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const want = options.ifGenerationMatch;
    let pre: Precondition;
    if (want === undefined) {
      pre = () => true;
    } else if (want === 0 || want === '0') {
      pre = (s) => !isLive(s);
    } else {
      const g = parseGeneration(want);
      if (g === null) return { ok: false, reason: 'precondition_failed' };
      pre = (s) => isLive(s) && s.max === g;
    }
    const conditional = want !== undefined;
    const dir = this.keyDir(key);
    // Cheap early rejection, before paying for a file (the commit re-checks).
    if (conditional && !pre(await this.scan(dir))) return { ok: false, reason: 'precondition_failed' };

    const header = JSON.stringify({ t: options.contentType ?? DEFAULT_CONTENT_TYPE, u: new Date().toISOString() });
    const bytes = Buffer.concat([Buffer.from(header + '\n', 'utf8'), typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
    for (let attempt = 0; attempt < 1000; attempt++) {
      const r = (await this.updateExisting(dir, bytes, pre, conditional)) ?? (await this.createFresh(dir, bytes, pre));
      if (r !== null) return r;
    }
    throw new Error(`LocalStore: could not write ${key}: too much contention`);
  }

  /** Writes through the key directory if it exists; null when it does not (or vanished): start over. */
  private async updateExisting(dir: string, bytes: Buffer, pre: Precondition, conditional: boolean): Promise<PutResult | null> {
    const tmp = path.join(dir, this.uniqueName(TMP_PREFIX));
    try {
      await fsp.writeFile(tmp, bytes, { flag: 'wx', flush: this.fsync });
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    let c: CommitOutcome;
    try {
      c = this.commit(dir, pre, conditional, (target) => fs.linkSync(tmp, target), true);
    } finally {
      await fsp.unlink(tmp).catch(() => undefined);
    }
    switch (c.kind) {
      case 'committed':
        await this.syncDir(dir);
        if (c.superseded) this.scheduleCleanup(dir);
        return { ok: true, generation: String(c.generation) };
      case 'precondition_failed':
        return { ok: false, reason: 'precondition_failed' };
      case 'vanished':
        return null;
      case 'old_tombstone':
        // Too old to build on (it may be reclaimed under us): wait out the guard, reclaim, re-create.
        if (c.reclaimAt > Date.now()) await sleep(c.reclaimAt - Date.now());
        this.reclaimIfDead(dir);
        return null;
    }
  }

  /** Creates the key directory holding its first generation; null when it turned out to exist. */
  private async createFresh(dir: string, bytes: Buffer, pre: Precondition): Promise<PutResult | null> {
    if (!pre(null)) return { ok: false, reason: 'precondition_failed' };
    const parent = path.dirname(dir);
    if (!this.knownParents.has(parent)) {
      await fsp.mkdir(parent, { recursive: true });
      if (this.knownParents.size > 100_000) this.knownParents.clear();
      this.knownParents.add(parent);
    }
    const birth = dir + this.uniqueName(BIRTH);
    // Microseconds: above any generation a forgotten incarnation of this key reached (see header).
    const generation = Date.now() * 1000 + (this.counter % 1000);
    try {
      await fsp.mkdir(birth);
    } catch (e) {
      if (!isMissing(e)) throw e;
      this.knownParents.delete(parent); // removed under us (only tests do that): create it again
      return null;
    }
    try {
      await fsp.writeFile(path.join(birth, genFileName(generation)), bytes, { flag: 'wx', flush: this.fsync });
      fs.renameSync(birth, dir);
    } catch (e) {
      removeTree(birth);
      if (errCode(e) === 'ENOTEMPTY' || errCode(e) === 'EEXIST') return null; // another creator won: update
      throw e;
    }
    await this.syncDir(parent);
    return { ok: true, generation: String(generation) };
  }

  async delete(key: string, options: { ifGenerationMatch?: Generation } = {}): Promise<boolean> {
    assertValidKey(key);
    const want = options.ifGenerationMatch;
    let pre: Precondition = isLive;
    if (want !== undefined) {
      const g = parseGeneration(want);
      if (g === null) return false;
      pre = (s) => isLive(s) && s.max === g;
    }
    const dir = this.keyDir(key);
    if (!pre(await this.scan(dir))) return false;
    // commit() re-checks liveness in its loop, so an unconditional delete that loses a race to another
    // delete reports false, and one that loses to a write deletes the newer version.
    const c = this.commit(dir, pre, want !== undefined, (target) => fs.symlinkSync(TOMBSTONE_TARGET, target), false);
    if (c.kind !== 'committed') return false;
    await this.syncDir(dir);
    this.scheduleCleanup(dir);
    return true;
  }

  /** The synchronous commit step (see the header comment): readdir → precondition → create max+1. */
  private commit(dir: string, pre: Precondition, conditional: boolean, create: (target: string) => void, checkTombstoneAge: boolean): CommitOutcome {
    for (let attempt = 0; ; attempt++) {
      const t0 = Date.now();
      const scan = this.scanSync(dir);
      if (scan === null) return pre(null) ? { kind: 'vanished' } : { kind: 'precondition_failed' };
      if (!pre(scan)) return { kind: 'precondition_failed' };
      if (checkTombstoneAge && scan.deleted) {
        const age = this.ageSync(path.join(dir, genFileName(scan.max)), t0);
        if (age === null) continue;
        if (age >= this.reclaimMs - this.guardMs) return { kind: 'old_tombstone', reclaimAt: t0 - age + this.reclaimMs };
      }
      const n = scan.max + 1;
      try {
        create(path.join(dir, genFileName(n)));
      } catch (e) {
        if (isMissing(e)) return { kind: 'vanished' };
        if (errCode(e) !== 'EEXIST') throw e;
        if (conditional) return { kind: 'precondition_failed' }; // someone committed n first
        if (attempt > 10_000) throw new Error(`LocalStore: livelock writing ${dir}`);
        continue;
      }
      const elapsed = Date.now() - t0;
      if (elapsed > this.stallMs) {
        throw new Error(
          `LocalStore: a write to ${dir} was frozen ${elapsed} ms between its read and its commit; its outcome is ` +
            'unknown (re-read before retrying)',
        );
      }
      return { kind: 'committed', generation: n, superseded: scan.gens.length > 0 };
    }
  }

  /**
   * Reclaims a key directory whose maximum is a tombstone at least `reclaimDeletedAfterMs` old: one
   * synchronous check-then-rename (see the header comment), then removal in the background.
   */
  private reclaimIfDead(dir: string, scanned?: GenScan): void {
    const now = Date.now();
    const scan = scanned ?? this.scanSync(dir);
    if (scan === null || !scan.deleted) return;
    const age = this.ageSync(path.join(dir, genFileName(scan.max)), now);
    if (age === null || age < this.reclaimMs) return;
    const grave = dir + this.uniqueName(DEATH);
    try {
      fs.renameSync(dir, grave);
    } catch (e) {
      if (isMissing(e)) return; // someone else reclaimed it
      throw e;
    }
    this.pendingCleanup.delete(dir);
    removeTree(grave);
  }

  // ---------------------------------------------------------------------------------------------
  // Listing

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const maxResults = Math.min(MAX_PAGE, Math.max(1, Math.floor(options.maxResults ?? MAX_PAGE)));
    let after = options.startAfter ?? '';
    if (options.pageToken) {
      const t = decodePageToken(options.pageToken);
      if (t > after) after = t;
    }
    const slash = prefix.lastIndexOf('/');
    const dirPart = prefix.slice(0, slash + 1);
    const namePart = prefix.slice(slash + 1);
    const dirSegs = dirPart === '' ? [] : dirPart.slice(0, -1).split('/');
    if (!dirSegs.every(validSegment)) return { keys: [], nextPageToken: null };
    const out: string[] = [];
    this.walk(path.join(this.objectsDir, ...dirSegs.flatMap((d) => segmentPath(d, ''))), dirPart, namePart, after, out, maxResults + 1);
    if (out.length > maxResults) {
      const keys = out.slice(0, maxResults);
      return { keys, nextPageToken: encodePageToken(keys[keys.length - 1] as string) };
    }
    return { keys: out, nextPageToken: null };
  }

  /**
   * Appends to `out`, in lexicographic order, the live keys under `rel` (a key prefix ending in '/'
   * or '', stored in `absDir`), whose next segment starts with `filter`, greater than `after`, until
   * `out` has `limit`. Full-key order is not segment-by-segment order ('a-b' < 'a/x' < 'a0'), so a
   * directory's entries are ordered as items: the key `rel+seg` sorts as itself and its subtree as
   * `rel+seg+'/'`; no other key falls inside a subtree's range, so visiting items in that order
   * yields sorted keys.
   *
   * Synchronous on purpose: a key costs one small readdir (~8 µs here), while the async version paid
   * a thread-pool round trip per readdir and, being a depth-first walk, could not overlap them
   * (10,000 keys: ~1.5 s async, ~0.15 s sync). A page of 1,000 keys blocks the loop for ~10-20 ms.
   */
  private walk(absDir: string, rel: string, filter: string, after: string, out: string[], limit: number): void {
    const items: ListItem[] = [];
    this.collect(absDir, rel, '', filter, after, items);
    items.sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
    for (const it of items) {
      if (out.length >= limit) return;
      if (it.tree) {
        this.walk(it.abs, it.full, '', after, out, limit);
        continue;
      }
      const scan = this.scanSync(it.abs);
      if (scan === null) continue;
      this.noteOldGenerations(it.abs, scan);
      if (scan.max > 0 && !scan.deleted) {
        out.push(it.full);
      } else if (scan.deleted) {
        try {
          this.reclaimIfDead(it.abs, scan); // same synchronous step as the readdir above
        } catch {
          // best effort: listing must not fail because a dead key could not be reclaimed
        }
      }
    }
  }

  /** The items of one directory; `head` is the start of the segment when inside a `chunk+` chain. */
  private collect(absDir: string, rel: string, head: string, filter: string, after: string, items: ListItem[]): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(absDir, { withFileTypes: true });
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const name = e.name;
      const mark = name[name.length - 1];
      const stem = mark === '@' || mark === CONTINUED ? name.slice(0, -1) : name;
      if (!SEGMENT.test(stem)) {
        this.reapLeftover(absDir, name);
        continue;
      }
      const seg = head + stem;
      if (mark === CONTINUED) {
        if (stem.length !== CHUNK) continue;
        if (!seg.startsWith(filter) && !filter.startsWith(seg)) continue;
        const p = rel + seg; // every key in the chain is longer than p and starts with it
        if (after > p && !after.startsWith(p)) continue;
        this.collect(path.join(absDir, name), rel, seg, filter, after, items);
        continue;
      }
      if (!seg.startsWith(filter) || seg === '.' || seg === '..') continue;
      if (mark === '@') {
        const full = rel + seg;
        if (full > after) items.push({ full, tree: false, abs: path.join(absDir, name) });
      } else {
        const full = rel + seg + '/';
        // Skip a subtree that sorts entirely before `after`.
        if (!(after >= full && !after.startsWith(full))) items.push({ full, tree: true, abs: path.join(absDir, name) });
      }
    }
  }

  /** Removes a reclaimed directory (always garbage) or a crashed creator's unborn one (when old). */
  private reapLeftover(absDir: string, name: string): void {
    const at = name.lastIndexOf('@~');
    if (at < 0) return;
    const file = path.join(absDir, name);
    if (name.startsWith(DEATH, at + 1)) {
      removeTree(file);
    } else if (name.startsWith(BIRTH, at + 1)) {
      const age = this.ageSync(file, Date.now());
      if (age !== null && age > LEFTOVER_AGE_MS) removeTree(file);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private keyDir(key: string): string {
    const segs = key.split('/');
    const last = segs.pop() as string;
    return path.join(this.objectsDir, ...segs.flatMap((s) => segmentPath(s, '')), ...segmentPath(last, '@'));
  }

  private uniqueName(prefix: string): string {
    return `${prefix}${this.uniquePrefix}-${++this.counter}`;
  }

  /** Milliseconds since the entry's ctime, or null when it is gone. */
  private ageSync(file: string, now: number): number | null {
    try {
      return now - fs.lstatSync(file).ctimeMs;
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  private async scan(dir: string): Promise<GenScan | null> {
    try {
      return scanEntries(await fsp.readdir(dir, { withFileTypes: true }));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  private scanSync(dir: string): GenScan | null {
    try {
      return scanEntries(fs.readdirSync(dir, { withFileTypes: true }));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  private async syncDir(dir: string): Promise<void> {
    if (!this.fsync) return;
    const fh = await fsp.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** Schedules a cleanup when a key directory holds superseded generations or temp files. */
  private noteOldGenerations(dir: string, scan: GenScan): void {
    if (scan.gens.length > 1 || scan.temps > 0) this.scheduleCleanup(dir);
  }

  private scheduleCleanup(dir: string): void {
    this.pendingCleanup.add(dir);
    if (this.cleanupTimer !== null) return;
    this.cleanupTimer = setTimeout(() => {
      this.cleanupTimer = null;
      void this.runCleanup();
    }, this.graceMs);
    this.cleanupTimer.unref();
  }

  private async runCleanup(): Promise<void> {
    const dirs = [...this.pendingCleanup];
    this.pendingCleanup.clear();
    for (const dir of dirs) {
      try {
        if (!(await this.cleanDir(dir))) this.scheduleCleanup(dir);
      } catch {
        // best effort: the directory may be gone (reclaimed, or a test removed the store)
      }
    }
  }

  /**
   * Removes superseded generations whose ctime is older than grace (see the header comment for why
   * that bound matters) and crash leftovers. Returns true when nothing is left to clean later.
   */
  private async cleanDir(dir: string): Promise<boolean> {
    const scan = await this.scan(dir);
    if (scan === null) return true;
    let clean = true;
    if (scan.temps > 0) clean = await this.reapTemps(dir);
    const cutoff = Date.now() - this.graceMs;
    for (const g of scan.gens) {
      if (g >= scan.max) break;
      const file = path.join(dir, genFileName(g));
      let st: fs.Stats;
      try {
        st = await fsp.lstat(file);
      } catch (e) {
        if (isMissing(e)) continue;
        throw e;
      }
      if (st.ctimeMs > cutoff) return false; // younger generations follow: come back later
      await fsp.unlink(file).catch((e: unknown) => {
        if (!isMissing(e)) throw e;
      });
    }
    return clean;
  }

  /**
   * Removes temp files left by crashed writers (older than an hour); true when none is left. (A temp
   * name that was linked shares the generation's inode; unlinking it only bumps that inode's ctime,
   * which delays the generation's own cleanup: the safe direction.)
   */
  private async reapTemps(dir: string): Promise<boolean> {
    const cutoff = Date.now() - LEFTOVER_AGE_MS;
    let left = 0;
    for (const name of await fsp.readdir(dir)) {
      if (!name.startsWith(TMP_PREFIX)) continue;
      const file = path.join(dir, name);
      const st = await fsp.lstat(file).catch(() => null);
      if (st !== null && st.mtimeMs < cutoff) await fsp.unlink(file).catch(() => undefined);
      else if (st !== null) left++;
    }
    return left === 0;
  }
}

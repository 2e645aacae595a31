// Tenants and their API keys. Keys are 256-bit random secrets, so a single SHA-256 is the
// right hash (a slow password hash adds nothing to a key nobody can guess); only the hash is
// stored, and the key is shown once.
import { randomBytes } from 'node:crypto';
import type { BlobStore } from '../../ports/blob-store';
import { AppError } from '../app-error';
import type { Clock } from '../clock';
import type { CoreDeps } from '../deps';
import { iso } from '../clock';
import { sha256Hex } from '../ids';
import { getJson, putJson, updateJson } from '../json-blobs';
import { layout, TENANT_PATTERN } from '../layout';

export interface TenantRecord {
  id: string;
  createdAt: string;
  /** Version of the asset-link signing key; bumping it revokes every link issued before. */
  linkKeyVersion: number;
}

interface ApiKeyRecord {
  tenant: string;
  keyId: string;
  createdAt: string;
  label: string;
  /** ISO time after which the key stops working; absent: never. */
  expiresAt?: string;
  /** Set by `rowshot keys revoke`: the key no longer works. */
  revokedAt?: string;
}

/** What `rowshot keys list` shows of a key (never the key itself). */
export interface ApiKeyInfo {
  keyId: string;
  label: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const API_KEY_PREFIX = 'rs_';

export async function ensureTenant(store: BlobStore, tenant: string, clock: Clock): Promise<TenantRecord> {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new AppError('invalid_request', 'tenant names use lowercase letters, digits and dashes (at most 40 characters)');
  }
  const { value } = await updateJson<TenantRecord>(store, layout.tenant(tenant), (cur) =>
    cur ?? { id: tenant, createdAt: iso(clock.now()), linkKeyVersion: 1 },
  );
  return value as TenantRecord;
}

export async function getTenant(store: BlobStore, tenant: string): Promise<TenantRecord | null> {
  return (await getJson<TenantRecord>(store, layout.tenant(tenant)))?.value ?? null;
}

/** Creates a key for the tenant (creating the tenant if needed) and returns it: the only time it is seen. */
export async function createApiKey(store: BlobStore, tenant: string, clock: Clock, label = 'default', expiresAt: string | null = null): Promise<{ key: string; keyId: string }> {
  await ensureTenant(store, tenant, clock);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const keyId = sha256Hex(key).slice(0, 12);
  const record: ApiKeyRecord = { tenant, keyId, createdAt: iso(clock.now()), label, ...(expiresAt ? { expiresAt } : {}) };
  await putJson(store, layout.apiKey(sha256Hex(key)), record, 0);
  return { key, keyId };
}

/** Known keys, by hash, for a short while: every API call (status polls included) needs one. A
 * revoke made by another process (the CLI) therefore takes effect on a server within this time. */
const KEY_CACHE_MS = 30_000;

/** The tenant and key id for a presented key, or null (unknown, revoked or expired). */
export async function resolveApiKey(deps: Pick<CoreDeps, 'store' | 'clock' | 'state'>, key: string): Promise<{ tenant: string; keyId: string; label: string } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const keyCache = deps.state.apiKeys;
  const hash = sha256Hex(key);
  const now = deps.clock.now();
  const hit = keyCache.get(hash);
  let found = hit && now - hit.at < KEY_CACHE_MS ? hit.found : null;
  if (!found) {
    const rec = await getJson<ApiKeyRecord>(deps.store, layout.apiKey(hash));
    if (!rec || rec.value.revokedAt) return null;
    found = { tenant: rec.value.tenant, keyId: rec.value.keyId, label: rec.value.label, expiresAt: rec.value.expiresAt ? Date.parse(rec.value.expiresAt) : null };
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(hash, { at: now, found });
  }
  if (found.expiresAt !== null && now >= found.expiresAt) return null;
  return { tenant: found.tenant, keyId: found.keyId, label: found.label };
}

/** The tenant's keys, oldest first (a scan of the key records: a CLI task, not a request path). */
export async function listApiKeys(store: BlobStore, tenant: string): Promise<ApiKeyInfo[]> {
  const out: ApiKeyInfo[] = [];
  for await (const [, v] of keysOf(store, tenant)) {
    out.push({ keyId: v.keyId, label: v.label, createdAt: v.createdAt, expiresAt: v.expiresAt ?? null, revokedAt: v.revokedAt ?? null });
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Revokes the tenant's key with this id (at once in this process); false when there is none. */
export async function revokeApiKey(deps: Pick<CoreDeps, 'store' | 'clock' | 'state'>, tenant: string, keyId: string): Promise<boolean> {
  for await (const [blobKey, v] of keysOf(deps.store, tenant)) {
    if (v.keyId !== keyId) continue;
    await updateJson<ApiKeyRecord>(deps.store, blobKey, (cur) => (cur ? { ...cur, revokedAt: cur.revokedAt ?? iso(deps.clock.now()) } : undefined));
    deps.state.apiKeys.clear();
    return true;
  }
  return false;
}

async function* keysOf(store: BlobStore, tenant: string): AsyncGenerator<[string, ApiKeyRecord]> {
  let pageToken: string | undefined;
  do {
    const page = await store.list(layout.apiKeyPrefix, pageToken ? { pageToken } : {});
    for (const key of page.keys) {
      const rec = await getJson<ApiKeyRecord>(store, key);
      if (rec && rec.value.tenant === tenant) yield [key, rec.value];
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
}

export async function rotateLinkKey(store: BlobStore, tenant: string): Promise<number> {
  const { value } = await updateJson<TenantRecord>(store, layout.tenant(tenant), (cur) => {
    if (!cur) throw new AppError('not_found', `tenant ${tenant} was not found`);
    return { ...cur, linkKeyVersion: cur.linkKeyVersion + 1 };
  });
  return (value as TenantRecord).linkKeyVersion;
}

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
export async function createApiKey(store: BlobStore, tenant: string, clock: Clock, label = 'default'): Promise<{ key: string; keyId: string }> {
  await ensureTenant(store, tenant, clock);
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const keyId = sha256Hex(key).slice(0, 12);
  const record: ApiKeyRecord = { tenant, keyId, createdAt: iso(clock.now()), label };
  await putJson(store, layout.apiKey(sha256Hex(key)), record, 0);
  return { key, keyId };
}

/** Known keys, by hash, for a short while: every API call (status polls included) needs one. */
const KEY_CACHE_MS = 30_000;

/** The tenant and key id for a presented key, or null. */
export async function resolveApiKey(deps: Pick<CoreDeps, 'store' | 'clock' | 'state'>, key: string): Promise<{ tenant: string; keyId: string; label: string } | null> {
  if (!key.startsWith(API_KEY_PREFIX) || key.length > 200) return null;
  const keyCache = deps.state.apiKeys;
  const hash = sha256Hex(key);
  const now = deps.clock.now();
  const hit = keyCache.get(hash);
  if (hit && now - hit.at < KEY_CACHE_MS) return hit.found;
  const rec = await getJson<ApiKeyRecord>(deps.store, layout.apiKey(hash));
  if (!rec) return null;
  const found = { tenant: rec.value.tenant, keyId: rec.value.keyId, label: rec.value.label };
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(hash, { at: now, found });
  return found;
}

export async function rotateLinkKey(store: BlobStore, tenant: string): Promise<number> {
  const { value } = await updateJson<TenantRecord>(store, layout.tenant(tenant), (cur) => {
    if (!cur) throw new AppError('not_found', `tenant ${tenant} was not found`);
    return { ...cur, linkKeyVersion: cur.linkKeyVersion + 1 };
  });
  return (value as TenantRecord).linkKeyVersion;
}

// Long-lived capability links to stored assets (`/a/<token>`): they work without a login (so
// `=IMAGE()` can show them), cannot be guessed or altered (HMAC-SHA256), and stop working when
// the tenant's link key version is bumped. The per-tenant key is derived from one server
// secret, so no per-tenant secret is ever stored.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { tenantOfKey } from './layout';

export interface LinkSigner {
  sign(key: string, version: number): string;
  /** The asset key and the version it was signed with, or null for a forged or malformed token. */
  open(token: string): { key: string; tenant: string; version: number } | null;
}

export function createLinkSigner(serverSecret: string): LinkSigner {
  const mac = (tenant: string, version: number, payload: string): Buffer => {
    const tenantKey = createHmac('sha256', serverSecret).update(`asset-links:${tenant}:${version}`).digest();
    return createHmac('sha256', tenantKey).update(payload).digest().subarray(0, 20);
  };
  return {
    sign(key, version) {
      const tenant = tenantOfKey(key);
      if (!tenant) throw new Error('only tenant assets can be linked');
      const payload = Buffer.from(`${version}|${key}`).toString('base64url');
      return `${payload}.${mac(tenant, version, payload).toString('base64url')}`;
    },
    open(token) {
      const [payload, sig, extra] = token.split('.');
      if (!payload || !sig || extra !== undefined || token.length > 2048) return null;
      const text = Buffer.from(payload, 'base64url').toString('utf8');
      const bar = text.indexOf('|');
      const version = Number(text.slice(0, bar));
      const key = text.slice(bar + 1);
      const tenant = tenantOfKey(key);
      if (bar < 1 || !Number.isInteger(version) || !tenant || key.includes('..')) return null;
      const expected = mac(tenant, version, payload);
      const given = Buffer.from(sig, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      return { key, tenant, version };
    },
  };
}

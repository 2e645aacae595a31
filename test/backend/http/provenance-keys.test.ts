// GET /v1/provenance/keys publishes, without a login, the record-signing key and the C2PA
// certificates: the CA a C2PA reader trusts, and the signing certificate it issued. Both derive
// from the server secret: the same after a restart, different under another secret.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../helpers/server';

interface Keys { keys: { keyId: string; publicKeyPem: string }[]; c2pa: { caCertPem: string; leafCertPem: string } }

async function keysOf(secret: string): Promise<{ body: Keys; cacheControl: string | null }> {
  const s = await startTestServer({ ROWSHOT_SIGNING_SECRET: secret });
  try {
    const res = await fetch(new URL('/v1/provenance/keys', s.url));
    expect(res.status).toBe(200);
    return { body: (await res.json()) as Keys, cacheControl: res.headers.get('cache-control') };
  } finally {
    await s.close();
  }
}

describe('GET /v1/provenance/keys', () => {
  it('publishes the C2PA CA and signing certificate, derived from the server secret', async () => {
    const secret = 'provenance-keys-test-secret-of-32-chars';
    const first = await keysOf(secret);
    expect(first.cacheControl).toBe('public, max-age=3600');
    const ca = new X509Certificate(first.body.c2pa.caCertPem);
    const leaf = new X509Certificate(first.body.c2pa.leafCertPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subject).toContain('CN=Rowshot Content Credentials');

    // A restart with the same secret: the same certificates (a reader's anchor stays valid).
    const again = await keysOf(secret);
    expect(again.body).toEqual(first.body);
    // Another secret: another CA, which does not vouch for the first one's certificate.
    const other = await keysOf('another-provenance-secret-of-32-chars!!');
    expect(other.body.c2pa.caCertPem).not.toBe(first.body.c2pa.caCertPem);
    expect(other.body.keys[0]?.keyId).not.toBe(first.body.keys[0]?.keyId);
    expect(leaf.verify(new X509Certificate(other.body.c2pa.caCertPem).publicKey)).toBe(false);
  }, 60_000);
});

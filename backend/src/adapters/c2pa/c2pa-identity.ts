// Rowshot's C2PA signing identity: a two-level chain (root CA -> end-entity signer) derived from
// the server secret, so every start produces the same certificates and nothing has to be stored.
// Profile as c2pa-rs (the reference validator) demands it: a self-signed leaf, a leaf without
// EKU/keyUsage/AKI, or a leaf with CA:TRUE is rejected.
import { createHmac, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
  type Extension,
  type X509Certificate,
} from '@peculiar/x509';

export interface C2paIdentity {
  /** Root CA certificate: what a verifier adds as a trust anchor. */
  caCertPem: string;
  /** End-entity signing certificate (issued by the CA). */
  leafCertPem: string;
  /** The leaf's Ed25519 private key, for node:crypto sign(null, ...). */
  leafKey: KeyObject;
  /** Parsed certificates as c2pa-ts's Signer wants them (x5chain = [leaf, ca]). */
  leafCert: X509Certificate;
  caCert: X509Certificate;
}

// PKCS#8 wrapper for a raw 32-byte Ed25519 seed (RFC 8410): lets Node build the key without a PEM.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519 = { name: 'Ed25519' } as const;
// Fixed so the same secret yields byte-identical certificates (Ed25519 signing is deterministic).
const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const NOT_AFTER = new Date('2046-01-01T00:00:00Z');
const EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const EKU_DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';

interface KeyPair {
  privateKey: KeyObject;
  signingKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

async function derivedKeyPair(serverSecret: string, label: string): Promise<KeyPair> {
  const seed = createHmac('sha256', serverSecret).update(label).digest();
  const pkcs8 = Buffer.concat([ED25519_PKCS8_PREFIX, seed]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const [signingKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, ED25519, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, ED25519, true, ['verify']),
  ]);
  return { privateKey, signingKey, publicKey };
}

function name(commonName: string, organization: string): Array<Record<string, string[]>> {
  // JSON form, not "CN=..., O=...": an organization containing a comma must not split the DN.
  return [{ O: [organization] }, { CN: [commonName] }];
}

/**
 * Derived deterministically from the server secret: the same secret gives byte-identical
 * certificates on every start (Ed25519 keys and signatures are deterministic; fixed serials and
 * validity 2026-01-01T00:00:00Z..2046-01-01T00:00:00Z).
 */
export async function c2paIdentity(
  serverSecret: string,
  opts?: { organization?: string },
): Promise<C2paIdentity> {
  const organization = opts?.organization ?? 'Rowshot';
  const [ca, leaf] = await Promise.all([
    derivedKeyPair(serverSecret, 'c2pa-ca-v1'),
    derivedKeyPair(serverSecret, 'c2pa-leaf-v1'),
  ]);
  const caName = name('Rowshot Content Credentials CA', organization);

  const caExtensions: Extension[] = [
    new BasicConstraintsExtension(true, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    await SubjectKeyIdentifierExtension.create(ca.publicKey, false, webcrypto),
  ];
  const caCert = await X509CertificateGenerator.create(
    {
      serialNumber: '01',
      subject: caName,
      issuer: caName,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      signingAlgorithm: ED25519,
      publicKey: ca.publicKey,
      signingKey: ca.signingKey,
      extensions: caExtensions,
    },
    webcrypto,
  );

  const leafExtensions: Extension[] = [
    new BasicConstraintsExtension(false, undefined, true),
    new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation, true),
    new ExtendedKeyUsageExtension([EKU_EMAIL_PROTECTION, EKU_DOCUMENT_SIGNING], false),
    await SubjectKeyIdentifierExtension.create(leaf.publicKey, false, webcrypto),
    await AuthorityKeyIdentifierExtension.create(ca.publicKey, false, webcrypto),
  ];
  const leafCert = await X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: name('Rowshot Content Credentials', organization),
      issuer: caCert.subject,
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      signingAlgorithm: ED25519,
      publicKey: leaf.publicKey,
      signingKey: ca.signingKey,
      extensions: leafExtensions,
    },
    webcrypto,
  );

  return {
    caCertPem: caCert.toString('pem'),
    leafCertPem: leafCert.toString('pem'),
    leafKey: leaf.privateKey,
    leafCert,
    caCert,
  };
}

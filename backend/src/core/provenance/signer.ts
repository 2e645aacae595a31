// The server's provenance key: Ed25519, derived from the server signing secret, so no further
// secret has to be kept or rotated separately (rotating the secret starts a new key id; records
// signed with an older key name it, and verify says which key it does not publish).
import { createHash, createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export interface ProvenanceKey {
  keyId: string;
  alg: 'Ed25519';
  /** SubjectPublicKeyInfo, PEM. */
  publicKeyPem: string;
  /** The raw 32-byte public key, base64url (the JWK `x`). */
  x: string;
}

export interface ProvenanceSigner {
  key: ProvenanceKey;
  /** Base64url Ed25519 signature of the bytes. */
  sign(data: Buffer): string;
  /** Whether `signature` is this key's signature of the bytes (false for another key id). */
  verify(keyId: string, data: Buffer, signature: string): boolean;
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function createProvenanceSigner(serverSecret: string): ProvenanceSigner {
  const seed = createHmac('sha256', serverSecret).update('provenance-ed25519:v1').digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const publicKey: KeyObject = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const x = String(jwk.x);
  const keyId = `ed25519-${createHash('sha256').update(Buffer.from(x, 'base64url')).digest('hex').slice(0, 16)}`;
  return {
    key: { keyId, alg: 'Ed25519', publicKeyPem: String(publicKey.export({ format: 'pem', type: 'spki' })), x },
    sign: (data) => sign(null, data, privateKey).toString('base64url'),
    verify: (id, data, signature) => {
      if (id !== keyId) return false;
      try {
        return verify(null, data, publicKey, Buffer.from(signature, 'base64url'));
      } catch {
        return false;
      }
    },
  };
}

// Test OIDC: an RSA signing key standing in for one of Google's, and JWT minting shaped like the ID
// tokens Cloud Tasks attaches to pushes (iss accounts.google.com, aud, email, email_verified, iat, exp).
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export interface OidcKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** `{ [kid]: publicKeyPem }`, the shape google-auth-library's verifier takes. */
  certs: Record<string, string>;
}

export function makeOidcKey(kid = `test-${randomBytes(4).toString('hex')}`): OidcKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { kid, privateKeyPem, publicKeyPem, certs: { [kid]: publicKeyPem } };
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

export interface MintOptions {
  audience: string;
  email: string;
  emailVerified?: boolean;
  issuer?: string;
  /** Seconds since epoch; default now. */
  iat?: number;
  /** Seconds since epoch; default iat + 3600. */
  exp?: number;
  /** Extra or replacement claims (undefined values delete a claim). */
  claims?: Record<string, unknown>;
  /** Extra or replacement JOSE header fields. */
  header?: Record<string, unknown>;
}

/** A compact RS256 JWT signed with `key` (header kid = key.kid). */
export function mintIdToken(key: OidcKey, o: MintOptions): string {
  const iat = o.iat ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    iss: o.issuer ?? 'https://accounts.google.com',
    aud: o.audience,
    azp: '100000000000000000000',
    sub: '100000000000000000000',
    email: o.email,
    email_verified: o.emailVerified ?? true,
    iat,
    exp: o.exp ?? iat + 3600,
    ...o.claims,
  };
  for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
  const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...o.header };
  const signingInput = `${b64url(header)}.${b64url(payload)}`;
  const signature = sign('RSA-SHA256', Buffer.from(signingInput), key.privateKeyPem).toString('base64url');
  return `${signingInput}.${signature}`;
}

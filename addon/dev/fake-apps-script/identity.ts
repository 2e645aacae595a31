// ScriptApp.getIdentityToken() for the fakes: Google ID tokens (RS256 JWTs shaped as Google's:
// iss accounts.google.com, aud = the add-on's OAuth client id, email, email_verified, hd) signed
// with a local key that stands in for Google's. A backend verifies them against the key's
// public half, served by addon/dev/harness/google-certs.ts as Google's certs endpoint is.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

/** Plain strings only: it crosses into the harness's worker thread. */
export interface FakeGoogleIdentity {
  /** The add-on's OAuth client id: the tokens' audience. */
  clientId: string;
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
  /** The Workspace domain of the signed-in users (the `hd` claim); absent for consumer accounts. */
  hd?: string;
}

export function makeFakeGoogleIdentity(clientId: string, options: { hd?: string } = {}): FakeGoogleIdentity {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    clientId,
    kid: `fake-google-${randomBytes(4).toString('hex')}`,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    ...(options.hd !== undefined ? { hd: options.hd } : {}),
  };
}

export const OPENID_SCOPE = 'openid';
export const EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');

/**
 * The token Apps Script would give `email` at `nowMs` (valid one hour), or null without the
 * `openid` scope. Without the email scope it carries no email, as Google's does.
 */
export function mintGoogleIdToken(identity: FakeGoogleIdentity, email: string, nowMs: number, scopes: readonly string[] | null): string | null {
  if (scopes !== null && !scopes.includes(OPENID_SCOPE)) return null;
  const iat = Math.floor(nowMs / 1000);
  const withEmail = scopes === null || scopes.includes(EMAIL_SCOPE);
  const payload = {
    iss: 'https://accounts.google.com',
    aud: identity.clientId,
    azp: identity.clientId,
    sub: `1${[...email].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1e15, 7).toString().padStart(15, '0')}`,
    ...(withEmail ? { email, email_verified: true } : {}),
    ...(identity.hd !== undefined ? { hd: identity.hd } : {}),
    iat,
    exp: iat + 3600,
  };
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid: identity.kid })}.${b64url(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), identity.privateKeyPem).toString('base64url')}`;
}

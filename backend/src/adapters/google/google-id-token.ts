// Verifies the add-on's Google ID tokens (ScriptApp.getIdentityToken()): RS256 signed by one of
// Google's keys (fetched from the certs endpoint and cached per its Cache-Control), unexpired,
// issued by accounts.google.com, for the add-on's OAuth client id, with a verified email.
// The library's messages echo the token, so only short details are passed on.
import { OAuth2Client } from 'google-auth-library';
import type { IdentityResult, IdentityVerifier } from '../../ports/identity-verifier';
import { GOOGLE_ISSUERS } from './oidc-task-auth';

export const GOOGLE_CERTS_URL = 'https://www.googleapis.com/oauth2/v1/certs';

export interface GoogleIdTokenOptions {
  /** The add-on's OAuth client id: the token's audience. */
  clientId: string;
  /** Google's PEM certs endpoint (a fake's in tests). */
  certsUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
}

const fail = (detail: string): IdentityResult => ({ ok: false, detail });

function detailFor(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  if (msg.startsWith('No pem found')) return 'the Google sign-in token is signed by an unknown key';
  if (msg.startsWith('Invalid token signature')) return 'the Google sign-in token signature is not valid';
  if (msg.startsWith('Token used too late')) return 'the Google sign-in token has expired: sign in again';
  if (msg.startsWith('Token used too early')) return 'the Google sign-in token is not valid yet';
  if (msg.startsWith('Invalid issuer')) return 'the Google sign-in token was not issued by Google';
  if (msg.startsWith('Wrong recipient')) return 'the Google sign-in token is for another application (audience)';
  return 'the Google sign-in token is not valid';
}

export function googleIdTokenVerifier(opts: GoogleIdTokenOptions): IdentityVerifier {
  const client = new OAuth2Client();
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  let cache: { certs: Record<string, string>; until: number } | null = null;

  async function certs(refresh: boolean): Promise<Record<string, string>> {
    if (cache && !refresh && cache.until > now()) return cache.certs;
    const res = await doFetch(opts.certsUrl ?? GOOGLE_CERTS_URL);
    if (!res.ok) throw new Error(`Google's signing keys could not be fetched (HTTP ${res.status})`);
    const body = (await res.json()) as Record<string, string>;
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    cache = { certs: body, until: now() + (maxAge ? Number(maxAge) * 1000 : 300_000) };
    return body;
  }

  return {
    async verify(token) {
      const segments = token.split('.');
      if (segments.length !== 3) return fail('the Google sign-in token is malformed');
      let header: { alg?: unknown; kid?: unknown };
      try {
        header = JSON.parse(Buffer.from(segments[0] ?? '', 'base64url').toString('utf8')) as typeof header;
      } catch {
        return fail('the Google sign-in token is malformed');
      }
      if (header.alg !== 'RS256') return fail('the Google sign-in token must be signed with RS256');
      let keys = await certs(false);
      // Google rotates its keys: an unknown kid is looked up once more before it is refused.
      if (typeof header.kid === 'string' && !(header.kid in keys)) keys = await certs(true);
      let payload: Record<string, unknown> | undefined;
      try {
        payload = (await client.verifySignedJwtWithCertsAsync(token, keys, opts.clientId, GOOGLE_ISSUERS)).getPayload() as Record<string, unknown> | undefined;
      } catch (err) {
        return fail(detailFor(err));
      }
      if (!payload || typeof payload.email !== 'string') return fail('the Google sign-in token has no email: the add-on needs the email scope');
      if (payload.email_verified !== true && payload.email_verified !== 'true') return fail('the Google account\'s email is not verified');
      return { ok: true, identity: { email: payload.email, domain: typeof payload.hd === 'string' ? payload.hd : null } };
    },
  };
}

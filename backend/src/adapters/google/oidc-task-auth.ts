// oidcTaskAuth: the TaskAuthVerifier for Cloud Run. Cloud Tasks pushes each task with
// `Authorization: Bearer <OIDC ID token>` minted by Google for the queue's service account
// (CloudTasksQueue's `oidc` option). We accept a push only when that token is:
//   - an RS256 JWT signed by one of Google's keys (fetched and cached by google-auth-library from
//     https://www.googleapis.com/oauth2/v1/certs, or the `certs` given here),
//   - unexpired (the library allows 5 minutes of clock skew, and rejects lifetimes over a day),
//   - issued by accounts.google.com or https://accounts.google.com,
//   - for our audience, and
//   - for the expected service account's email, with email_verified.
// A missing token is 401; any other failure is 403 with a short detail. The library's own error
// messages contain the whole token and its payload, so they are never passed on.
//
// If Google's keys cannot be fetched, verify() throws: that is an outage, not an auth decision, and
// the resulting 500 makes Cloud Tasks retry the push later.
import { OAuth2Client } from 'google-auth-library';
import type { TaskAuthVerifier } from '../../http/task-auth';

export const GOOGLE_ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];

export interface OidcTaskAuthOptions {
  /** The audience the queue puts in its oidcToken (usually the service's URL). */
  audience: string;
  /** The service account the queue's tasks are signed for. */
  serviceAccountEmail: string;
  /** Verifies signatures and, when `certs` is absent, fetches and caches Google's keys. Default: a new OAuth2Client. */
  client?: OAuth2Client;
  /** Fixed signing keys, key id → PEM (tests, or pinned keys). When given, nothing is fetched. */
  certs?: Record<string, string>;
}

type Result = Awaited<ReturnType<TaskAuthVerifier['verify']>>;

const forbidden = (detail: string): Result => ({ ok: false, status: 403, detail });

/** Maps google-auth-library's verification errors to short details that do not echo the token. */
function detailFor(err: unknown): string {
  const msg = err instanceof Error ? err.message : '';
  if (msg.startsWith('No pem found')) return 'the task token is signed by an unknown key';
  if (msg.startsWith('Invalid token signature')) return 'the task token signature is not valid';
  if (msg.startsWith('Token used too late')) return 'the task token has expired';
  if (msg.startsWith('Token used too early')) return 'the task token is not valid yet';
  if (msg.startsWith('Expiration time too far')) return 'the task token lives too long';
  if (msg.startsWith('No issue time') || msg.startsWith('No expiration time') || msg.includes('invalid format')) return 'the task token lacks iat or exp';
  if (msg.startsWith('Invalid issuer')) return 'the task token has the wrong issuer';
  if (msg.startsWith('Wrong recipient')) return 'the task token has the wrong audience';
  return 'the task token is not valid';
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function oidcTaskAuth(opts: OidcTaskAuthOptions): TaskAuthVerifier {
  if (!opts.audience) throw new Error('oidcTaskAuth: audience is required');
  if (!opts.serviceAccountEmail) throw new Error('oidcTaskAuth: serviceAccountEmail is required');
  const client = opts.client ?? new OAuth2Client();
  const fixedCerts = opts.certs ? { ...opts.certs } : undefined;

  async function signingKeys(): Promise<Record<string, string>> {
    if (fixedCerts) return fixedCerts;
    // Cached by the client until the response's Cache-Control max-age passes.
    const { certs } = await client.getFederatedSignonCertsAsync();
    return certs as Record<string, string>;
  }

  return {
    async verify(authorization) {
      const header = authorization?.trim();
      if (!header) return { ok: false, status: 401, detail: 'task requests need a bearer token' };
      const m = /^Bearer(?:\s+(.*))?$/i.exec(header);
      if (!m) return forbidden('task requests need a bearer token, not another scheme');
      const token = m[1]?.trim() ?? '';
      if (token === '') return { ok: false, status: 401, detail: 'task requests need a bearer token' };

      const segments = token.split('.');
      if (segments.length !== 3 || !segments.every((s) => /^[A-Za-z0-9_-]+$/.test(s))) return forbidden('the task token is malformed');
      const jose = decodeSegment(segments[0] ?? '');
      if (!jose || !decodeSegment(segments[1] ?? '')) return forbidden('the task token is malformed');
      // The library checks the signature with the key of `kid` but does not look at `alg`.
      if (jose.alg !== 'RS256') return forbidden('the task token must be signed with RS256');
      if (typeof jose.kid !== 'string' || jose.kid === '') return forbidden('the task token has no key id');

      const certs = await signingKeys();
      let payload: Record<string, unknown> | undefined;
      try {
        const ticket = await client.verifySignedJwtWithCertsAsync(token, certs, opts.audience, GOOGLE_ISSUERS);
        payload = ticket.getPayload() as Record<string, unknown> | undefined;
      } catch (err) {
        return forbidden(detailFor(err));
      }
      if (!payload) return forbidden('the task token is not valid');
      if (payload.email !== opts.serviceAccountEmail) return forbidden('the task token is for another service account');
      if (payload.email_verified !== true && payload.email_verified !== 'true') return forbidden('the task token email is not verified');
      return { ok: true };
    },
  };
}

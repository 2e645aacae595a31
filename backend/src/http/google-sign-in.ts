// "Sign in with Google" on /v1: a bearer token shaped like a JWT is a Google ID token (API keys
// never are). Verified, then mapped to a tenant by configuration; keys keep working beside it.
import { AppError } from '../core/app-error';
import { tenantForIdentity, type TenantRule } from '../core/tenants/identity-tenants';
import type { IdentityVerifier } from '../ports/identity-verifier';

export interface GoogleSignIn {
  verifier: IdentityVerifier;
  rules: readonly TenantRule[];
}

export function looksLikeIdToken(token: string): boolean {
  return /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** The tenant of a Google ID token, or an AppError saying why not (401 invalid, 403 not allowed). */
export async function tenantOfIdToken(signIn: GoogleSignIn | undefined, token: string): Promise<{ tenant: string; email: string }> {
  if (!signIn) throw new AppError('unauthenticated', 'This server does not take Google sign-in (ROWSHOT_GOOGLE_CLIENT_ID is not set): use an API key');
  const result = await signIn.verifier.verify(token);
  if (!result.ok) throw new AppError('unauthenticated', result.detail);
  const tenant = tenantForIdentity(signIn.rules, result.identity);
  if (tenant === null) {
    const who = result.identity.domain ? `${result.identity.email} (domain ${result.identity.domain})` : result.identity.email;
    throw new AppError('forbidden', `${who} may not use this Rowshot server: ask its administrator to add your domain or email to ROWSHOT_GOOGLE_TENANTS`);
  }
  return { tenant, email: result.identity.email };
}

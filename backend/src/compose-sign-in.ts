// Wires "Sign in with Google" from configuration: the ID-token verifier for the add-on's OAuth
// client id, and the tenant rules (each named tenant exists before its first request).
import { googleIdTokenVerifier } from './adapters/google/google-id-token';
import type { Config } from './config';
import type { CoreDeps } from './core/deps';
import { parseTenantRules } from './core/tenants/identity-tenants';
import { ensureTenant } from './core/tenants/tenants';
import type { GoogleSignIn } from './http/google-sign-in';

export async function googleSignIn(config: Config, deps: CoreDeps): Promise<GoogleSignIn | null> {
  if (!config.ROWSHOT_GOOGLE_CLIENT_ID || !config.ROWSHOT_GOOGLE_TENANTS) return null;
  const parsed = parseTenantRules(config.ROWSHOT_GOOGLE_TENANTS);
  // loadConfig has refused a bad value already.
  if (!parsed.ok) throw new Error(`ROWSHOT_GOOGLE_TENANTS: ${parsed.reason}`);
  for (const rule of parsed.rules) await ensureTenant(deps.store, rule.tenant, deps.clock);
  return {
    verifier: googleIdTokenVerifier({ clientId: config.ROWSHOT_GOOGLE_CLIENT_ID, certsUrl: config.ROWSHOT_GOOGLE_CERTS_URL }),
    rules: parsed.rules,
  };
}

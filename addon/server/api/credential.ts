// What the add-on proves itself with to the backend: the user's Google ID token
// (ScriptApp.getIdentityToken(), nothing to paste) or, as the fallback chosen in Settings, the
// user's API key. Both travel as `Authorization: Bearer …`; the backend tells them apart.
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import type { Settings } from '../settings/settings-store';
import { idTokenEmail } from './id-token';

export type Credential =
  | { kind: 'google'; token: string; email: string | null }
  | { kind: 'api_key'; key: string };

export const NO_ID_TOKEN = 'Google sign-in is not available here: Apps Script gave no ID token (the add-on needs the openid and email scopes). '
  + 'Sign in again, or choose "An API key" in Extensions → Rowshot → Settings and paste one.';

/** The credential the settings choose; a Google sign-in with no token at hand is `not_configured`. */
export function credentialFor(s: Pick<Services, 'identityToken'>, settings: Settings): Credential {
  if (settings.signIn === 'api_key') return { kind: 'api_key', key: settings.apiKey };
  const token = s.identityToken();
  if (token === null) throw new AddonError('not_configured', NO_ID_TOKEN);
  return { kind: 'google', token, email: idTokenEmail(token) };
}

export const bearerOf = (c: Credential): string => (c.kind === 'google' ? c.token : c.key);

/** For messages: "your Google sign-in (ann@acme.com)" or "the API key (ending in 1234)". Never the secret. */
export function describeCredential(c: Credential): string {
  if (c.kind === 'google') return c.email === null ? 'your Google sign-in' : `your Google sign-in (${c.email})`;
  return `the API key (ending in ${c.key.slice(-4)})`;
}

// The backend client for the current user's settings and credential (Google sign-in or API key),
// or `not_configured` naming what is missing.
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { missingSettings, readSettings, type Settings } from '../settings/settings-store';
import { BackendClient } from './backend-client';
import { credentialFor } from './credential';

export function connect(s: Services): { client: BackendClient; settings: Settings } {
  const settings = readSettings(s.userProperties);
  const missing = missingSettings(settings);
  if (missing !== null) throw new AddonError('not_configured', missing);
  return { client: new BackendClient(s.http, { backendUrl: settings.backendUrl, credential: credentialFor(s, settings) }), settings };
}

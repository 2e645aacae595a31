// Test connection: authenticated calls (GET /v1/packs, GET /v1/models) that prove the URL reaches
// a Rowshot backend and the credential in use (Google sign-in or the API key) is accepted, and say
// which models it can run; the failures read as the client maps them ("Could not reach …", "The
// backend refused …", "not set up yet …").
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import { idTokenEmail } from '../api/id-token';
import type { ConnectionCheck } from '../rpc';
import type { Services } from '../services/ports';

export function testConnection(s: Services): ConnectionCheck {
  const { client } = connect(s);
  const packs = api.listPacks(client);
  const c = client.settings.credential;
  const who = c.kind === 'google' ? `signed in with Google${c.email === null ? '' : ` as ${c.email}`}` : 'the API key works';
  const { models, defaultProviderChain } = api.listModels(client);
  return {
    message: `Connected to ${client.url}: ${who} (${packs.length} reference pack${packs.length === 1 ? '' : 's'}).`,
    models: models.map((m) => ({ id: m.id, label: m.label, priceUsd: m.priceUsd, isDefault: defaultProviderChain[0] === m.id })),
  };
}

/** The Google account a Google sign-in would send, for Settings to show; null when Apps Script gives no token. */
export function googleEmail(s: Pick<Services, 'identityToken'>): string | null {
  const token = s.identityToken();
  return token === null ? null : idTokenEmail(token);
}

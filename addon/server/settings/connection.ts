// Test connection: one authenticated call (GET /v1/packs) that proves the URL reaches a Rowshot
// backend and the key is accepted; the failures read as the client maps them ("Could not reach
// …", "The backend refused the API key …", "not set up yet: enter …").
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { ConnectionCheck } from '../rpc';
import type { Services } from '../services/ports';

export function testConnection(s: Services): ConnectionCheck {
  const { client } = connect(s);
  const packs = api.listPacks(client);
  return { message: `Connected to ${client.url}: the API key works (${packs.length} reference pack${packs.length === 1 ? '' : 's'}).` };
}

// A local stand-in for Google's certs endpoint (https://www.googleapis.com/oauth2/v1/certs):
// `{ kid: PEM }` with a Cache-Control max-age, counting how often it is fetched.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OidcKey } from './oidc';

export interface FakeGoogleCerts {
  url: string;
  fetches: number;
  keys: OidcKey[];
  close(): Promise<void>;
}

export async function startFakeGoogleCerts(keys: OidcKey[]): Promise<FakeGoogleCerts> {
  const state = { fetches: 0 };
  const server = createServer((req, res) => {
    if (req.url !== '/oauth2/v1/certs') {
      res.writeHead(404).end();
      return;
    }
    state.fetches++;
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'public, max-age=19852, must-revalidate, no-transform' });
    res.end(JSON.stringify(Object.fromEntries(fake.keys.map((k) => [k.kid, k.publicKeyPem]))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const fake: FakeGoogleCerts = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`,
    get fetches() { return state.fetches; },
    keys,
    close: () => new Promise((r) => server.close(() => r())),
  };
  return fake;
}

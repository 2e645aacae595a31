// A local stand-in for Google's certs endpoint (https://www.googleapis.com/oauth2/v1/certs) for
// the fake identity's key: a backend configured with ROWSHOT_GOOGLE_CERTS_URL = `url` verifies
// the harness's ID tokens exactly as it verifies Google's.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeGoogleIdentity } from '../fake-apps-script/index';

export interface GoogleCertsServer {
  url: string;
  close(): Promise<void>;
}

export async function startGoogleCerts(identity: FakeGoogleIdentity): Promise<GoogleCertsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/oauth2/v1/certs') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'public, max-age=3600' });
    res.end(JSON.stringify({ [identity.kid]: identity.publicKeyPem }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The backend settings that make it take the identity's tokens, for the users listed (tenant `tenant`). */
export function googleSignInEnv(identity: FakeGoogleIdentity, certs: GoogleCertsServer, tenant: string, who: readonly string[]): Record<string, string> {
  return { ROWSHOT_GOOGLE_CLIENT_ID: identity.clientId, ROWSHOT_GOOGLE_TENANTS: `${tenant}:${who.join(',')}`, ROWSHOT_GOOGLE_CERTS_URL: certs.url };
}

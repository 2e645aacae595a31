// The ContentCredentials port on @trustnxt/c2pa-ts: the identity (CA and signing certificate)
// derived once from the server secret, each manifest signed with it.
import type { ContentCredentials } from '../../core/provenance/content-credentials';
import { c2paIdentity } from './c2pa-identity';
import { signC2pa } from './c2pa-sign';

export async function c2paContentCredentials(
  serverSecret: string,
  opts: { claimGenerator: string; organization?: string },
): Promise<ContentCredentials> {
  const identity = await c2paIdentity(serverSecret, opts.organization ? { organization: opts.organization } : undefined);
  return {
    certificates: { caCertPem: identity.caCertPem, leafCertPem: identity.leafCertPem },
    sign: (image, mimeType, manifest) => signC2pa(identity, image, { ...manifest, claimGenerator: opts.claimGenerator, mimeType }),
  };
}

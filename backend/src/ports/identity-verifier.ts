// Who signed in: a verified Google identity from an ID token (the add-on's "Sign in with Google").

export interface VerifiedIdentity {
  email: string;
  /** The Google Workspace domain of the account (the `hd` claim); absent for consumer accounts. */
  domain: string | null;
}

export type IdentityResult = { ok: true; identity: VerifiedIdentity } | { ok: false; detail: string };

export interface IdentityVerifier {
  verify(token: string): Promise<IdentityResult>;
}

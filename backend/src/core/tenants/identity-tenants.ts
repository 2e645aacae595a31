// Which tenant a signed-in Google identity belongs to, by configuration: a Workspace domain
// (the token's `hd` claim, which Google sets only for accounts of that domain) and/or an
// allow-list of emails. An identity no rule names has no tenant (403).
import type { VerifiedIdentity } from '../../ports/identity-verifier';

export interface TenantRule {
  tenant: string;
  domains: string[];
  emails: string[];
}

/**
 * `acme:acme.com,bob@gmail.com;beta:beta.io` — per tenant, entries with an `@` are emails, the
 * others Workspace domains. Null and a reason when the text is not of that form.
 */
export function parseTenantRules(text: string): { ok: true; rules: TenantRule[] } | { ok: false; reason: string } {
  const rules: TenantRule[] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const tenant = colon < 0 ? '' : part.slice(0, colon).trim();
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(tenant)) return { ok: false, reason: `"${part}" must start with a tenant name (a-z, 0-9, _ or -) and a colon` };
    const entries = part.slice(colon + 1).split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
    if (entries.length === 0) return { ok: false, reason: `tenant "${tenant}" names no domain or email` };
    for (const e of entries) {
      if (e.includes('@') ? !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e) : !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(e)) return { ok: false, reason: `"${e}" is not a domain or an email` };
    }
    rules.push({ tenant, domains: entries.filter((e) => !e.includes('@')), emails: entries.filter((e) => e.includes('@')) });
  }
  if (rules.length === 0) return { ok: false, reason: 'no tenant is named' };
  return { ok: true, rules };
}

export function tenantForIdentity(rules: readonly TenantRule[], id: VerifiedIdentity): string | null {
  const email = id.email.toLowerCase();
  for (const r of rules) if (r.emails.includes(email)) return r.tenant;
  const domain = id.domain?.toLowerCase() ?? null;
  if (domain === null) return null;
  for (const r of rules) if (r.domains.includes(domain)) return r.tenant;
  return null;
}

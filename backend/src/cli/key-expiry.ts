// `rowshot keys create --expires`: a lifetime (`90d`, `12h`) or a date/time (`2027-01-31`,
// `2027-01-31T12:00:00Z`), in the future.
import { FlagError } from './cli-errors';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };

export function parseExpiry(text: string, now: number): string {
  const t = text.trim();
  const span = /^(\d{1,5})([hd])$/.exec(t);
  const at = span ? now + Number(span[1]) * UNIT_MS[span[2] as string]! : /^\d{4}-\d{2}-\d{2}/.test(t) ? Date.parse(t) : Number.NaN;
  if (!Number.isFinite(at)) throw new FlagError(`--expires "${text}" must be a lifetime such as 90d or 12h, or a date such as 2027-01-31`);
  if (at <= now) throw new FlagError(`--expires "${text}" is in the past`);
  return new Date(at).toISOString();
}

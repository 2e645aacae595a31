// The Retry-After header (RFC 9110 §10.2.3), read one way by every adapter that meets it: the
// local task queue (our own 429/503 answers), Gemini and the Sheets API.

/**
 * Retry-After as milliseconds: delta-seconds ("120"; fractions tolerated and rounded up, so the
 * wait is never shorter than asked) or an HTTP date (0 when already past). Takes what header
 * APIs hand out: a string, Node's string[] for a repeated header (the first counts), or
 * null/undefined. Undefined when absent or unparsable.
 */
export function parseRetryAfterMs(value: unknown, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Every HTTP-date form names its month; without this, Date.parse reads "-1" as the year 2001.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

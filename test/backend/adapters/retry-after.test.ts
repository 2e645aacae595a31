// One reading of Retry-After for the local queue, Gemini and Sheets: never a shorter wait than asked.
import { describe, expect, it } from 'vitest';
import { retryAfterFromError } from '../../../backend/src/adapters/google/gemini-classify';
import { parseRetryAfterMs } from '../../../backend/src/adapters/retry-after';

describe('parseRetryAfterMs', () => {
  it('rounds fractional seconds up, so a retry never comes early', () => {
    expect(parseRetryAfterMs('1.0004', 0)).toBe(1001);
    expect(parseRetryAfterMs('0.0001', 0)).toBe(1);
    expect(parseRetryAfterMs(' 120 ', 0)).toBe(120_000);
  });

  it('reads an HTTP date against the clock, and a past date as no wait', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('takes the first of a repeated header and ignores what is not a wait', () => {
    expect(parseRetryAfterMs(['3', '9'], 0)).toBe(3000);
    for (const bad of [undefined, null, '', '   ', 'soon', '-1', '1e3', '2030-01-01', 5, []]) expect(parseRetryAfterMs(bad, 0), JSON.stringify(bad)).toBeUndefined();
  });

  it('is what Gemini errors with a Retry-After header give', () => {
    const err = Object.assign(new Error('429'), { headers: new Headers({ 'retry-after': '1.5' }) });
    expect(retryAfterFromError(err, undefined, 0)).toBe(1500);
    const fraction = Object.assign(new Error('429'), { headers: new Headers({ 'retry-after': '0.0001' }) });
    expect(retryAfterFromError(fraction, undefined, 0)).toBe(1);
  });
});

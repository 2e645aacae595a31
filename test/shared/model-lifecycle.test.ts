import { describe, expect, it } from 'vitest';
import { estimateRows, findModel, isRetired, liveChain, retirementWarnings } from '../../shared/index';

const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

describe('model lifecycle', () => {
  it('records status, shutdown date and successor, and the 512 size of gemini-3.1-flash-image', () => {
    expect(findModel('gemini-2.5-flash-image')).toMatchObject({ status: 'deprecated', shutdownDate: '2026-10-02', successor: 'gemini-3.1-flash-image' });
    expect(findModel('gemini-3.1-flash-image')).toMatchObject({ status: 'stable', imageSizes: ['512', '1K', '2K', '4K'] });
    expect(estimateRows([{ rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-3.1-flash-image' } }], ['template'], {}, '512').totalUsd).toBe(0.045);
  });

  it('retires a model from its shutdown day (UTC) on, and replaces it in chains by its successor', () => {
    expect(isRetired('gemini-2.5-flash-image', Date.parse('2026-10-01T23:59:59Z'))).toBe(false);
    expect(isRetired('gemini-2.5-flash-image', Date.parse('2026-10-02T00:00:00Z'))).toBe(true);
    expect(isRetired('template', at('2099-01-01'))).toBe(false);
    expect(liveChain(['gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'template'], at('2026-12-03'))).toEqual(['gemini-3.1-flash-image', 'template']);
    expect(liveChain(['gemini-3-pro-image-preview'], at('2026-12-03'))).toEqual(['gemini-3-pro-image']);
  });

  it('warns within 30 days of a shutdown, not before or after', () => {
    expect(retirementWarnings(['gemini-2.5-flash-image'], at('2026-09-01'))).toEqual([]);
    expect(retirementWarnings(['gemini-2.5-flash-image'], at('2026-09-03'))).toEqual(['gemini-2.5-flash-image shuts down on 2026-10-02 (in 29 days); switch to gemini-3.1-flash-image']);
    expect(retirementWarnings(['gemini-2.5-flash-image'], at('2026-10-02'))).toEqual([]);
  });
});

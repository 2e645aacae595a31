// The dry run's per-row lines: a row that will fail on the server is named under its price.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../../backend/src/cli/dry-run';

async function print(checks: Parameters<typeof dryRun>[0]['checks']): Promise<string[]> {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  await dryRun({
    file: 'f.csv', skipped: '', maxCostUsd: null, columns: {}, chain: ['template'], ...(checks ? { checks } : {}),
    rows: [{ rowNumber: 2, cells: { Prompt: 'a', 'Reference pack': 'Autumn' } }, { rowNumber: 3, cells: { Prompt: 'b', 'Reference pack': 'Spring' } }],
  }, out);
  return text.trim().split('\n');
}

describe('rowshot run --dry-run', () => {
  it('flags a row whose pack is not in the pack folder, and counts it as failing', async () => {
    const lines = await print({ packExists: (name) => name.toLowerCase() === 'spring' });
    expect(lines[1]).toMatch(/^ {2}row 2 {2} 1 image +template +\$0\.00$/);
    expect(lines[2]).toBe('         would fail on this server: Reference pack "Autumn" was not found');
    expect(lines[3]).toMatch(/^ {2}row 3 {2} 1 image +template +\$0\.00$/);
    expect(lines[4]).toBe('Total: 2 row(s), 2 image(s), $0.00, 1 would fail.');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('POST /v1/estimate', () => {
  it('prices each row from the shared price table; template is free', async () => {
    const res = await s.api('/v1/estimate', {
      method: 'POST',
      json: { rows: [
        { rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-2.5-flash-image', 'Aspect ratios': '1:1, 9:16', Variants: 2 } },
        { rowId: 'b', cells: { Prompt: 'x', Model: 'template' } },
        { rowId: 'c', cells: { Prompt: '' } },
      ] },
    });
    expect(res.status).toBe(200);
    const e = (await res.json()) as { totalUsd: number; rows: { rowId: string; costUsd: number; invalid?: string }[] };
    expect(e.totalUsd).toBeCloseTo(0.156, 6);
    expect(e.rows.map((r) => r.costUsd)).toEqual([0.156, 0, 0]);
    expect(e.rows[2]?.invalid).toBe('Prompt is empty');
  });
});

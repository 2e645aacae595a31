import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../backend/src/http/logger';
import { startTestServer } from '../../helpers/server';

describe('structured logs', () => {
  it('are one JSON line per event with severity, trace correlation and no secrets', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const s = await startTestServer({ GOOGLE_CLOUD_PROJECT: 'acme-prod' }, { logger: createLogger('info', sink) });
    try {
      const trace = '105445aa7843bc8bf206b12000100000';
      const res = await s.api('/v1/batches', {
        method: 'POST', headers: { 'x-cloud-trace-context': `${trace}/1;o=1` },
        json: { rows: [{ rowId: 'a', cells: { Prompt: 'x', Model: 'template' } }] },
      });
      expect(res.status).toBe(202);
      await s.waitForBatch(((await res.json()) as { id: string }).id);
      const inRequest = lines.filter((l) => l['logging.googleapis.com/trace'] === `projects/acme-prod/traces/${trace}`);
      expect(inRequest.map((l) => l.message)).toEqual(expect.arrayContaining(['batch accepted', 'request']));
      expect(inRequest.find((l) => l.message === 'request')).toMatchObject({ severity: 'INFO', method: 'POST', status: 202, 'logging.googleapis.com/spanId': '1' });
      // Lines outside that request do not inherit its trace.
      expect(lines.filter((l) => l.message === 'batch state changed').every((l) => !('logging.googleapis.com/trace' in l))).toBe(true);
      expect(JSON.stringify(lines)).not.toContain(s.key);
    } finally {
      await s.close();
    }
  });
});

// A full or read-only disk under the server's storage: a 507/503 problem (never a bare 500),
// /readyz not ready while it lasts, and everything back to normal once it is gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../../shared/index';
import { FaultyStore } from '../../helpers/fakes/faulty-store';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('storage faults', () => {
  const faults = new FaultyStore();
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({}, { wrapStore: faults.wrap }); });
  afterAll(async () => {
    faults.fault = null;
    await s.close();
  });
  const batch = { rows: [{ rowId: 'a', cells: { Prompt: 'A fox' } }] };

  it('answers 507 with a problem when the disk is full, and 503 (not ready) when it is read-only; recovers when the fault goes', async () => {
    faults.fault = 'ENOSPC';
    const full = await s.api('/v1/batches', { method: 'POST', json: batch });
    expect(full.status).toBe(507);
    expect(full.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(full.headers.get('retry-after')).toBe('60');
    const p = (await full.json()) as Problem;
    expect(p.code).toBe('storage_full');
    expect(p.detail).toBe("The server's storage is full; nothing was stored. Try again once space has been freed");
    expect((await s.api('/readyz')).status).toBe(503);

    faults.fault = 'EROFS';
    const ro = await s.api('/v1/batches', { method: 'POST', json: batch });
    expect(ro.status).toBe(503);
    expect(((await ro.json()) as Problem).detail).toMatch(/^The server's storage cannot be written \(read-only or no permission\)/);
    const ready = await s.api('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false });

    faults.fault = null;
    expect((await s.api('/readyz')).status).toBe(200);
    const ok = await s.api('/v1/batches', { method: 'POST', json: batch });
    expect(ok.status).toBe(202);
    const done = await s.waitForBatch(((await ok.json()) as { id: string }).id);
    expect(done.counts.DONE).toBe(1);
  });
});

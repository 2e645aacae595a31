// One clock for the core and the embedded queues: the composition root hands the core's clock
// to the local queues, so a flush or watchdog the core schedules "in 200 ms" is due in 200 ms by
// the queue too. With the queues on their own clock, a clock an hour ahead parked every flush for
// an hour (the batch never finished), and one behind ran them at once, out of order.
import { afterEach, describe, expect, it } from 'vitest';
import { rows, startTestServer, type TestServer } from '../helpers/server';

const HOUR = 3_600_000;
let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe('the core and the local queues share one clock', () => {
  for (const [label, offset] of [['an hour ahead', HOUR], ['half a day behind', -12 * HOUR]] as const) {
    it(`finishes a batch, its status flushed, with the clock ${label}`, async () => {
      const s = await startTestServer({}, { clock: { now: () => Date.now() + offset } });
      servers.push(s);
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(6, (i) => ({ Prompt: `card ${i}`, Model: 'template' })) } });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const status = await s.waitForBatch(id, 30_000);
      expect(status.counts).toMatchObject({ DONE: 6, QUEUED: 0, RUNNING: 0 });
    }, 60_000);
  }
});

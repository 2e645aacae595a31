// Prometheus metrics for /metrics. One registry per app instance (tests run several apps).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CoreMetrics } from '../core/deps';
import type { TaskQueue } from '../ports/task-queue';

export interface Metrics extends CoreMetrics {
  registry: Registry;
}

export function createMetrics(queues: readonly TaskQueue[]): Metrics {
  const registry = new Registry();
  const rows = new Counter({ name: 'rowshot_rows_total', help: 'Rows finished, by final state and provider', labelNames: ['state', 'provider'], registers: [registry] });
  const latency = new Histogram({
    name: 'rowshot_provider_latency_seconds', help: 'Image provider call latency', labelNames: ['provider', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60], registers: [registry],
  });
  const cost = new Counter({ name: 'rowshot_cost_usd_total', help: 'Actual provider spend in USD', registers: [registry] });
  const writes = new Counter({ name: 'rowshot_sheet_writes_total', help: 'Sheet write calls, by outcome', labelNames: ['outcome'], registers: [registry] });
  const written = new Counter({ name: 'rowshot_sheet_rows_written_total', help: 'Rows carried by sheet write calls', registers: [registry] });
  new Gauge({
    name: 'rowshot_queue_depth', help: 'Tasks not yet completed, per queue', labelNames: ['queue'], registers: [registry],
    async collect() {
      // A negative depth means the queue cannot tell (Cloud Tasks has no cheap count).
      for (const q of queues) {
        const { depth } = await q.stats();
        if (depth >= 0) this.set({ queue: q.name }, depth);
      }
    },
  });
  return {
    registry,
    rowFinished: (state, provider) => rows.inc({ state, provider: provider ?? 'none' }),
    providerCall: (provider, outcome, seconds) => latency.observe({ provider, outcome }, seconds),
    costAdded: (usd) => cost.inc(usd),
    sheetWrite: (outcome, n) => {
      writes.inc({ outcome });
      written.inc(n);
    },
  };
}

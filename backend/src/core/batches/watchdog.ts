// The watchdog: a queue drops a task after its last attempt, also when that attempt died with
// a crashed worker, which would leave its row RUNNING or QUEUED forever. Each batch has a
// watchdog task that wakes up periodically; if no row changed since its last visit, it queues
// the unfinished rows again (rows already being worked on just answer "busy" or "already
// done"), so every row ends in a final state.
import { isFinalBatch, z } from '../../../../shared/index';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { taskName } from '../ids';
import { getJson } from '../json-blobs';
import { layout } from '../layout';
import { enqueueRow, rowTaskBody } from './fan-out';
import { scheduleFlush } from './row-events';
import { inputRows } from './input-rows';
import type { Manifest, RowStates, StatusRecord } from './records';
import { TaskBatchId, TaskTenant } from './task-ids';
import { done, type TaskOutcome } from './task-outcome';

export const WatchdogBody = z.object({ tenant: TaskTenant, batchId: TaskBatchId, lastSeen: z.nullable(z.string()) });
export type WatchdogBody = z.infer<typeof WatchdogBody>;

const MAX_RESCUES_PER_VISIT = 2000;

export function watchdogPeriodMs(deps: CoreDeps): number {
  return Math.max(2_000, deps.config.claimTtlMs * 2);
}

export async function scheduleWatchdog(deps: CoreDeps, tenant: string, batchId: string, lastSeen: string | null): Promise<void> {
  const at = deps.clock.now() + watchdogPeriodMs(deps);
  await deps.queues.control.enqueue({
    name: taskName('watchdog', tenant, batchId, lastSeen ?? 'start', Math.floor(at / 1000)),
    path: '/tasks/watchdog',
    body: { tenant, batchId, lastSeen } satisfies WatchdogBody,
    scheduleTime: at,
  });
}

export async function watchBatch(deps: CoreDeps, { tenant, batchId, lastSeen }: WatchdogBody): Promise<TaskOutcome> {
  const [m, s] = await Promise.all([
    getJson<Manifest>(deps.store, layout.manifest(tenant, batchId)),
    getJson<StatusRecord>(deps.store, layout.status(tenant, batchId)),
  ]);
  if (!m || !s) return done('batch no longer exists');
  if (isFinalBatch(s.value.state)) return done('batch finished');
  // Outbox entries whose flush was never scheduled (a failed enqueue) are picked up here.
  await scheduleFlush(deps, tenant, batchId, m.value.flushIntervalMs);
  if (s.value.updatedAt !== lastSeen) {
    await scheduleWatchdog(deps, tenant, batchId, s.value.updatedAt);
    return done('batch is making progress');
  }
  const states = (await getJson<RowStates>(deps.store, layout.rowStates(tenant, batchId)))?.value;
  if (!states) return done('row states are missing');
  const stuck: number[] = [];
  for (let i = 0; i < states.states.length && stuck.length < MAX_RESCUES_PER_VISIT; i++) {
    const c = states.states[i];
    if (c === 'Q' || c === 'R') stuck.push(i);
  }
  const man = m.value;
  const inputs = await inputRows(deps, man, stuck);
  // Visits are at least a period apart, so each visit's rescues get names of their own: a second
  // rescue is not dropped as a duplicate of the first (a queue remembers names for up to an hour).
  const attempt = `rescue-${s.value.updatedAt}-${Math.floor(deps.clock.now() / watchdogPeriodMs(deps))}`;
  await mapLimit(stuck, 16, async (index) => {
    const row = inputs.get(index);
    if (!row) return;
    await enqueueRow(deps, rowTaskBody({ tenant, batchId, index, gen: man.retryGen }, row), attempt);
  });
  deps.log.warn({ tenant, batchId, rows: stuck.length }, 'batch made no progress; queued its unfinished rows again');
  await scheduleWatchdog(deps, tenant, batchId, s.value.updatedAt);
  return done(`queued ${stuck.length} stuck rows again`);
}

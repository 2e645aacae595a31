// What the dispatcher tests share: a document of two sheets, schedules saved as the sidebar
// saves them, the app's rowshotDispatch (the dispatcher with the real scheduled run and sync),
// and views of what reached the fake backend.
import { createApp } from '../../../../addon/server/app';
import type { ScheduleInput } from '../../../../addon/server/rpc';
import { saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import type { HttpRequest } from '../../../../addon/server/services/ports';
import type { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import type { TestServices } from '../helpers/memory-services';

export const BOB_KEY = 'rs_bob_key_5678';

/** Products (id 0) has one row not DONE; Banners (id 42) has one DONE and one not. */
export function sheets(): MemorySheet[] {
  return [
    new MemorySheet(0, 'Products', [['Prompt', 'Status'], ['a mug', 'DONE'], ['a cap', '']]),
    new MemorySheet(42, 'Banners', [['Prompt', 'Status'], ['a sale banner', 'DONE'], ['a new banner', '']]),
  ];
}

/** Saves a schedule as the sidebar does once the user confirmed any "All rows" question. */
export function add(s: TestServices, input: Partial<ScheduleInput>): string {
  const base: ScheduleInput = { name: 'Hourly', sheetId: 0, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 5, enabled: true };
  const r = saveSchedule(s, { confirmed: true, ...base, ...input });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.schedules.at(-1)!.id;
}

export const isCreate = (req: HttpRequest, path: string): boolean => req.method === 'post' && path === '/v1/batches';
export const creates = (backend: FakeBackend): HttpRequest[] => backend.requests.filter((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));
/** Each batch POST as [batch name, API key]. */
export const posted = (backend: FakeBackend): [string, string][] =>
  creates(backend).map((r) => [(JSON.parse(String(r.payload)) as { name: string }).name, r.headers?.authorization?.slice('Bearer '.length) ?? '']);
/** The sync pulls the rows of each pending run once: one pull per run per sync. */
export const rowPulls = (backend: FakeBackend): number => backend.requests.filter((r) => r.url.includes('/rows?')).length;
export const dispatcherOf = (s: TestServices) => () => createApp(() => s).rowshotDispatch();

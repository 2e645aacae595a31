// What the Batch sidebar tests share: reading a column of the harness's sheet, counting the
// backend's batches, and opening the sidebar once it has read the sheet.
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { SheetSnapshot } from '../../../addon/dev/harness/index';
import type { BatchStatus } from '../../../shared/index';
import { openSidebar, type Stack } from './stack';

export function column(sheet: SheetSnapshot, header: string, kind: 'values' | 'formulas' = 'values'): unknown[] {
  const c = sheet.values[0]?.indexOf(header) ?? -1;
  expect(c, `the sheet has a "${header}" column`).toBeGreaterThanOrEqual(0);
  return sheet[kind].slice(1).map((r) => r[c]);
}

/** How many cells of the sheet's Status column say exactly `text` (e.g. DONE, or FAILED: reason). */
export async function statusCount(s: Stack, text: string): Promise<number> {
  const sheet = await s.harness.sheet();
  if (!sheet.values[0]?.includes('Status')) return 0;
  return column(sheet, 'Status').filter((v) => v === text).length;
}

export async function listBatches(s: Stack): Promise<{ id: string }[]> {
  return ((await (await s.backend.api('/v1/batches')).json()) as { batches: { id: string }[] }).batches;
}

export async function batchCount(s: Stack): Promise<number> {
  return (await listBatches(s)).length;
}

export async function backendBatch(s: Stack, id: string): Promise<BatchStatus> {
  return (await (await s.backend.api(`/v1/batches/${id}`)).json()) as BatchStatus;
}

/** The Batch sidebar, once it shows `rows` rows not DONE. */
export async function openBatch(browser: Browser, s: Stack, rows: number): Promise<{ page: Page; errors: string[] }> {
  const opened = await openSidebar(browser, s.harness, 'Batch');
  await expect.poll(() => opened.page.textContent('#count-not_done')).toBe(String(rows));
  return opened;
}

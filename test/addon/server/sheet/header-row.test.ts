// Finding the header row and mapping its columns: automatic by the sheet convention, then the
// user's saved overrides (per sheet, in document properties).
import { describe, expect, it } from 'vitest';
import type { ColumnMapping } from '../../../../shared/index';
import { createApp } from '../../../../addon/server/app';
import { detectHeaderRow } from '../../../../addon/server/sheet/header-row';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

function appFor(rows: (string | number)[][]) {
  const sheet = new MemorySheet(3, 'Campaign', rows);
  const s = memoryServices({ sheets: [sheet], http: new FakeBackend() });
  configure(s);
  return { s, sheet, app: createApp(() => s) };
}

describe('header row', () => {
  it('is the first row naming a Prompt column, below any title rows', () => {
    expect(detectHeaderRow([['Spring campaign'], [''], ['sku', 'prompt', 'ratio'], ['1', 'a cat', '1:1']], {})).toBe(2);
  });

  it('is the row holding the header the user mapped to Prompt', () => {
    const rows = [['Notes about this sheet'], ['Product', 'Details'], ['Mug', 'A mug']];
    expect(detectHeaderRow(rows, {})).toBe(0); // nothing Rowshot knows: the first non-empty row
    expect(detectHeaderRow(rows, { prompt: 'Details' })).toBe(1);
    // "Description" is one of Prompt's names (the shared header rule): found without a mapping.
    expect(detectHeaderRow([['Notes about this sheet'], ['Product', 'Description'], ['Mug', 'A mug']], {})).toBe(1);
  });

  it('is -1 for empty top rows, and the sidebar says so', () => {
    expect(detectHeaderRow([[''], ['', '']], {})).toBe(-1);
    const { app } = appFor([]);
    const r = app.getSheetContext();
    expect(!r.ok && r.error.code).toBe('no_header_row');
    expect(!r.ok && r.error.message).toBe('Sheet "Campaign" is empty: add a header row with a Prompt column, then one row per image to make.');
  });
});

describe('column mapping', () => {
  it('maps headers automatically, lists the output columns a run will add and counts rows per scope', () => {
    const { app, s } = appFor([['Title'], ['Prompt', 'Ratio', 'Status', 'Pack name'], ['a', '1:1', 'DONE'], ['b', '', 'FAILED: boom'], ['', '', ''], ['c', '', '']]);
    s.spreadsheet.selectedRowNumbers = [1, 3, 4, 5];
    const r = app.getSheetContext();
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({
      sheetId: 3, sheetName: 'Campaign', headerRow: 2, headers: ['Prompt', 'Ratio', 'Status', 'Pack name'],
      mapping: { prompt: 'Prompt', aspectRatios: 'Ratio', status: 'Status' },
      missingOutputs: ['rowId', 'image', 'imageUrl', 'thumbnailUrl', 'error', 'provider', 'costUsd', 'batchId', 'updatedAt', 'provenance'],
      counts: { rows: 3, selected: 2, notDone: 2, failed: 1 },
      settingsOk: true, confirmAboveUsd: 5,
    });
    expect(r.value.inputFields).toContain('referencePack');
  });

  it('saves overrides per sheet (only what differs from automatic) and uses them everywhere', () => {
    const { app, s } = appFor([['Prompt', 'Pack name', 'Brief', 'Ratio'], ['a', 'Brand', 'b', '1:1']]);
    const saved = app.saveColumnMapping({ prompt: 'Brief', referencePack: 'Pack name', aspectRatios: '' });
    if (!saved.ok) throw new Error(saved.error.message);
    // '' unmaps the Ratio column the convention would have used.
    expect(saved.value.mapping).toMatchObject({ prompt: 'Brief', referencePack: 'Pack name', aspectRatios: '' });
    expect(JSON.parse(s.documentProperties.get('rowshot.mapping.3') ?? '{}')).toEqual({ prompt: 'Brief', referencePack: 'Pack name', aspectRatios: '' });
    expect(s.userProperties.get('rowshot.mapping.3')).toBeNull();
    // Saving the automatic mapping again leaves nothing to store.
    app.saveColumnMapping({ prompt: 'Prompt' });
    expect(s.documentProperties.get('rowshot.mapping.3')).toBeNull();
  });

  it('refuses unknown fields, missing headers and dropping an output column', () => {
    const { app, s } = appFor([['Prompt', 'Brief'], ['a', 'b']]);
    const r = app.saveColumnMapping({ prompt: 'Nope', status: '', colour: 'Brief' } as ColumnMapping);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.fields).toEqual([
      { field: 'prompt', message: 'No column "Nope" in the header row (row 1)' },
      { field: 'status', message: 'Status is written by Rowshot: choose a column for it' },
      { field: 'colour', message: '"colour" is not a Rowshot column' },
    ]);
    expect(s.documentProperties.map.size).toBe(0);
  });

  it('drops an override whose header was renamed, so the automatic mapping takes over', () => {
    const { app, s, sheet } = appFor([['Prompt', 'Brief'], ['a', 'b']]);
    app.saveColumnMapping({ prompt: 'Brief' });
    sheet.set(1, 2, 'Notes');
    const r = app.getSheetContext();
    expect(r.ok && r.value.mapping.prompt).toBe('Prompt');
    expect(s.documentProperties.get('rowshot.mapping.3')).not.toBeNull();
  });
});

describe('header pre-flight in the add-on', () => {
  it('warns in the sidebar about a look-alike column, and refuses an estimate without Prompt naming the nearest header', () => {
    const { app } = appFor([['Prompt', 'Pack name'], ['a', 'Brand']]);
    const ctx = app.getSheetContext();
    if (!ctx.ok) throw new Error(ctx.error.message);
    expect(ctx.value.columnWarnings).toEqual(['Column "Pack name" is not read (it is not a name Rowshot reads as Reference pack). Map it to Reference pack in the Batch sidebar (Column mapping) or rename it.']);

    const { app: other } = appFor([['Promt', 'Size'], ['a cat', '1:1']]);
    const r = other.estimateRun('not_done');
    expect(!r.ok && r.error.message).toBe('Sheet "Campaign" (headers in row 1): No Prompt column. Headers found: "Promt", "Size". Did you mean "Promt"? Map it to Prompt in the Batch sidebar (Column mapping) or rename it.');
  });
});

// =ROWSHOT_COST, =ROWSHOT_PROMPT and =ROWSHOT_STATUS: results, and error strings instead of
// exceptions (an exception shows as #ERROR! with no explanation).
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { anotherEditor, configure, memoryServices } from '../helpers/memory-services';

function setup() {
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [new MemorySheet(1, 'S', [['Prompt'], ['a'], ['b']])], http: backend });
  return { s, backend, app: createApp(() => s) };
}

describe('ROWSHOT_COST', () => {
  const { app, backend } = setup();
  it('prices non-empty prompts × sizes × variants at the default model, with no network', () => {
    expect(app.ROWSHOT_COST([['a'], [''], ['c'], [' ']])).toBe(0.134);
    expect(app.ROWSHOT_COST([['a'], ['b']], '', 3)).toBeCloseTo(0.402, 9);
    expect(app.ROWSHOT_COST([['a'], ['b']], '1:1, 16:9', 2)).toBeCloseTo(0.536, 9);
    expect(app.ROWSHOT_COST([['a'], ['b'], ['c']], [['1:1, 9:16'], ['4:5'], ['']], [[1], [2], ['']])).toBeCloseTo(0.067 * (2 + 2 + 1), 9);
    expect(app.ROWSHOT_COST('one prompt', '', 1, 'gemini-3-pro-image')).toBe(0.134);
    expect(app.ROWSHOT_COST([['a'], ['b']], '', '', 'TEMPLATE')).toBe(0);
    expect(app.ROWSHOT_COST([['a'], ['b']], '', '', [['template'], ['gemini-3-pro-image']])).toBe(0.134);
    expect(app.ROWSHOT_COST([[''], ['']])).toBe(0);
    expect(backend.requests).toHaveLength(0);
  });
  it('answers an error string for an unknown model, a bad size or bad variants', () => {
    expect(app.ROWSHOT_COST('a', '', 1, 'dall-e')).toBe("ROWSHOT_COST: unknown model 'dall-e' (known: template, gemini-2.5-flash-image, gemini-3.1-flash-image, gemini-3-pro-image, gemini-3.1-flash-image-preview, gemini-3-pro-image-preview)");
    expect(app.ROWSHOT_COST('a', '', 7)).toBe('ROWSHOT_COST: prompt 1: Variants must be a whole number from 1 to 4 (got "7")');
    expect(app.ROWSHOT_COST('a', 'Instagram pst')).toMatch(/^ROWSHOT_COST: prompt 1: Size "Instagram pst" is not a known size \(did you mean "Instagram post"\?/);
    expect(app.ROWSHOT_COST([['a'], ['b']], '', [[1], [1], [1]])).toBe('ROWSHOT_COST: variants has 3 cells but prompts has 2: give one value, or a range the size of prompts');
    expect(app.ROWSHOT_COST([['a'], ['b']], [['1:1'], ['1:1'], ['1:1']])).toBe('ROWSHOT_COST: sizes has 3 cells but prompts has 2: give one value, or a range the size of prompts');
  });
});

describe('ROWSHOT_PROMPT', () => {
  const { app } = setup();
  it('fills {{Column}} from one row, matching names as headers are matched', () => {
    expect(app.ROWSHOT_PROMPT('A {{product}} on {{ Background_colour }}, {{Price}}', [['Product', 'Background colour', 'Price']], [['mug', 'teal', 12.5]])).toBe('A mug on teal, 12.5');
  });
  it('gives a column of prompts for several rows, and reads dates as the spreadsheet shows them', () => {
    // The test spreadsheet's zone is UTC: midnight there is a plain date.
    expect(app.ROWSHOT_PROMPT('{{Name}} at {{Date}}', [['Name', 'Date']], [['a', new Date(Date.UTC(2026, 2, 4))], ['b', '']])).toEqual([['a at 2026-03-04'], ['b at ']]);
    expect(app.ROWSHOT_PROMPT('{{When}}', [['When']], [[new Date('2026-03-04T17:45:00Z')]])).toBe('2026-03-04 17:45');
  });
  it('reads dates in the spreadsheet\'s time zone, asked only when a date is filled in', () => {
    const s = memoryServices({ sheets: [new MemorySheet(1, 'S')], http: new FakeBackend() });
    let asked = 0;
    s.spreadsheet.timeZone = () => (asked++, 'Europe/Berlin');
    const berlin = createApp(() => s);
    expect(berlin.ROWSHOT_PROMPT('{{Product}}', [['Product']], [['mug']])).toBe('mug');
    expect(asked).toBe(0);
    // 2024-05-01 typed in a Berlin sheet is 2024-04-30T22:00Z.
    expect(berlin.ROWSHOT_PROMPT('On {{Day}} at {{At}}', [['Day', 'At']], [[new Date('2024-04-30T22:00:00Z'), new Date('2024-05-01T07:30:00Z')]])).toBe('On 2024-05-01 at 2024-05-01 09:30');
    expect(asked).toBe(1);
  });
  it('says which placeholder has no column, and when the shapes do not match', () => {
    expect(app.ROWSHOT_PROMPT('A {{Colour}} {{Size}}', [['Product']], [['mug']])).toBe('ROWSHOT_PROMPT: no column named {{Colour}}, {{Size}} in headers');
    expect(app.ROWSHOT_PROMPT('x', [['A', 'B']], [['1', '2', '3']])).toBe('ROWSHOT_PROMPT: headers has 2 cells but a row of values has 3: give values in the same columns as the headers');
    expect(app.ROWSHOT_PROMPT('x', '', [['1']])).toBe('ROWSHOT_PROMPT: give the header cells, e.g. =ROWSHOT_PROMPT(A2, B1:E1, B2:E2)');
  });
});

describe('ROWSHOT_STATUS', () => {
  it('answers one line from the run as this document last saw it, with no backend call and no user settings', () => {
    const { app, backend, s } = setup();
    configure(s);
    const started = app.startRun({ scope: 'not_done', requestId: 'k' });
    if (!started.ok) throw new Error(started.error.message);
    const id = started.value.id;
    backend.start(id, 1);
    const batch = backend.onlyBatch();
    batch.status.counts = { ...batch.status.counts, DONE: 1, RUNNING: 0, QUEUED: 0, FAILED: 1 };
    batch.status.cost.actualUsd = 0.47;
    batch.status.etaSeconds = 42;
    // The sidebar's progress poll refreshes the document's history.
    expect(app.getRunProgress(id).ok).toBe(true);
    // A custom function runs without the user's authorization: no user properties, no token.
    const anonymous = anotherEditor(s);
    const custom = createApp(() => anonymous);
    const calls = backend.requests.length;
    expect(custom.ROWSHOT_STATUS(id)).toBe('RUNNING 1/2 done, 1 failed, $0.47, ETA 1 min');
    expect(custom.ROWSHOT_STATUS([[id]])).toBe('RUNNING 1/2 done, 1 failed, $0.47, ETA 1 min');
    backend.finish(id);
    expect(custom.ROWSHOT_STATUS(id)).toBe('RUNNING 1/2 done, 1 failed, $0.47, ETA 1 min');
    expect(backend.requests.length).toBe(calls);
    expect(app.getRunProgress(id).ok).toBe(true);
    expect(custom.ROWSHOT_STATUS(id)).toBe('DONE 2/2 done, 0 failed, $0.08');
    expect(anonymous.userProperties.map.size).toBe(0);
  });

  it('answers error strings: no id, a run this spreadsheet does not know', () => {
    const { app } = setup();
    expect(app.ROWSHOT_STATUS('')).toBe('ROWSHOT_STATUS: give a batch id, e.g. =ROWSHOT_STATUS("b_…")');
    expect(app.ROWSHOT_STATUS('b_nope')).toBe("ROWSHOT_STATUS: no run 'b_nope' in this spreadsheet (it knows the runs started from its Rowshot sidebar or schedules)");
  });

  it('never throws, even when the services cannot be built', () => {
    const app = createApp(() => {
      throw new Error('PropertiesService is not available here');
    });
    expect(app.ROWSHOT_STATUS('b_1')).toBe('ROWSHOT_STATUS: PropertiesService is not available here');
  });
});

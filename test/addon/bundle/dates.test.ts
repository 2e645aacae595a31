// Date cells in a Berlin spreadsheet reach prompts as the sheet shows them: the built add-on,
// with Sheets' Date objects (instants: 2024-05-01 in Berlin is 2024-04-30T22:00Z), for a run's
// input cells and for =ROWSHOT_PROMPT.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBatchRequest } from '../../../shared/index';
import { createFakeAppsScript, createFakeClock } from '../../../addon/dev/fake-apps-script/index';
import type { BatchSummary } from '../../../addon/server/rpc';
import { API_KEY, BACKEND_URL, createFakeBackend } from './fake-backend';
import { EXECUTION_MODES, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

const MAY_FIRST_BERLIN = new Date('2024-04-30T22:00:00.000Z');
const MAY_FIRST_0930_BERLIN = new Date('2024-05-01T07:30:00.000Z');

function berlin() {
  const clock = createFakeClock({ start: '2025-03-03T08:30:00.000Z' });
  const backend = createFakeBackend(() => clock.now());
  const fake = createFakeAppsScript({
    clock, fetch: backend.handler, htmlDir: built.dir,
    workbook: { timeZone: 'Europe/Berlin', sheets: { Events: [['Prompt', 'Day', 'Doors'], ['A poster for {{Day}}, doors {{Doors}}', MAY_FIRST_BERLIN, MAY_FIRST_0930_BERLIN]] } },
  });
  const g = fake.load(built.code, { modes: EXECUTION_MODES });
  valueOf(g.saveSettings({ backendUrl: BACKEND_URL, apiKey: API_KEY }));
  return { fake, g };
}

describe('date cells', () => {
  it('are sent to the backend in the spreadsheet\'s time zone', () => {
    const { fake, g } = berlin();
    valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: 'k', confirmed: true }));
    const post = fake.http.requests.find((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));
    const body = CreateBatchRequest.parse(JSON.parse(String(post?.payload)));
    expect(body.rows[0]?.cells).toMatchObject({ Day: '2024-05-01', Doors: '2024-05-01 09:30' });
    expect(fake.calls.count('Spreadsheet.getSpreadsheetTimeZone')).toBe(1);
  });

  it('fill =ROWSHOT_PROMPT as the sheet shows them', () => {
    const { g } = berlin();
    expect(g.ROWSHOT_PROMPT('A poster for {{Day}}, doors {{Doors}}', [['Day', 'Doors']], [[MAY_FIRST_BERLIN, MAY_FIRST_0930_BERLIN]]))
      .toBe('A poster for 2024-05-01, doors 2024-05-01 09:30');
  });
});

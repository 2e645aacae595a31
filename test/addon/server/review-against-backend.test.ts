// The review loop in the sheet, through the add-on's server logic and the REAL backend: Add
// review columns (with the Review dropdown), mark rows Approve / Changes, Apply review: the
// Changes row comes back as version 2 from its fixed cells, the Approve row gets its Approved
// image URL, a Changes row without feedback is named; Download all gives a working zip link.
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../addon/server/app';
import type { BatchSummary, Result } from '../../../addon/server/rpc';
import { createSyncHttp, sleepSync, startServerThread, type ServerThread, type SyncHttp } from '../../helpers/sync-http';
import { MemorySheet } from './helpers/memory-sheet';
import { configure, memoryServices, type TestServices } from './helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

describe('review in the sheet', () => {
  let server: ServerThread;
  let http: SyncHttp;
  let s: TestServices;
  let sheet: MemorySheet;

  beforeAll(async () => {
    server = await startServerThread();
    http = createSyncHttp();
    sheet = new MemorySheet(9, 'Cards', [['Prompt', 'Headline'], ['A card', 'Welcome, Ana'], ['A card', 'Welcome, Ben'], ['A card', 'Welcome, Cy']]);
    s = memoryServices({ sheets: [sheet], http });
    configure(s, server.url, server.key);
  }, 60_000);

  afterAll(async () => {
    await http?.close();
    await server?.close();
  });

  const follow = (app: ReturnType<typeof createApp>, id: string, done: () => boolean) => {
    const until = Date.now() + 30_000;
    let p: BatchSummary | null = null;
    while (Date.now() < until) {
      sleepSync(150);
      s.clock.advance(15_000);
      p = value(app.getRunProgress(id)).batch;
      if (p.state === 'DONE' && done()) return p;
    }
    throw new Error(`batch ${id} did not finish: ${JSON.stringify(p)}`);
  };

  it('adds the review columns, sends Changes back as version 2, records approvals, and downloads the approved zip', async () => {
    const app = createApp(() => s);
    const run = value(app.startRun({ scope: 'not_done', requestId: 'review-1' }));
    follow(app, run.id, () => sheet.record(4, 1)['Status'] === 'DONE');
    const headers = () => sheet.rows()[0]!.map(String);
    const v1 = [2, 3, 4].map((r) => sheet.record(r, 1));
    // The Provenance column links each image's record (the same capability links as images).
    const record = JSON.parse(http.fetch({ url: String(v1[0]!['Provenance']), method: 'get' }).body) as { rowId: string; assetKey: string; outputSha256: string };
    expect(record).toMatchObject({ rowId: v1[0]!['Row ID'], outputSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    app.addReviewColumns();
    expect(headers().slice(-4)).toEqual(['Review', 'Feedback', 'Version', 'Approved image URL']);
    expect(sheet.validations.at(-1)).toMatchObject({ row: 2, column: headers().indexOf('Review') + 1, values: ['Approve', 'Changes'] });
    expect(s.ui.toasts.at(-1)?.message).toMatch(/^Added Review, Feedback, Version, Approved image URL\./);
    // A second time adds nothing.
    app.addReviewColumns();
    expect(headers().filter((h) => h === 'Review')).toHaveLength(1);

    const col = (h: string) => headers().indexOf(h) + 1;
    sheet.set(2, col('Review'), 'Changes');
    sheet.set(2, col('Feedback'), 'The name is Anna');
    sheet.set(2, col('Headline'), 'Welcome, Anna');
    sheet.set(3, col('Review'), 'Approve');
    sheet.set(4, col('Review'), 'Changes');
    app.applyReview();
    expect(s.ui.toasts.at(-1)?.message).toBe('Review applied: 1 row sent back with feedback (new versions are on their way), 1 approved, 1 skipped (row 4: Review says Changes but Feedback is empty (say what to change)).');
    expect(sheet.record(2, 1)['Status']).toBe('QUEUED');

    follow(app, run.id, () => sheet.record(2, 1)['Version'] === 2 && sheet.record(3, 1)['Approved image URL'] !== '');
    const [ana, ben, cy] = [2, 3, 4].map((r) => sheet.record(r, 1));
    expect(ana).toMatchObject({ Status: 'DONE', Version: 2, 'Approved image URL': '' });
    expect(ana!['Image URL']).not.toBe(v1[0]!['Image URL']);
    expect(ben).toMatchObject({ Status: 'DONE', Version: 1, 'Approved image URL': v1[1]!['Image URL'] });
    expect(cy!['Image URL']).toBe(v1[2]!['Image URL']);

    // The same review again sends nothing back (the feedback is already applied).
    app.applyReview();
    expect(s.ui.toasts.at(-1)?.message).toMatch(/1 already had that feedback applied/);

    // Download all, approved only: a link that opens without a key and holds Ben's image.
    const link = value(app.downloadLink({ batchId: run.id, approvedOnly: true }));
    expect(link).toMatchObject({ approvedOnly: true, allVersions: false });
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    const names = Object.keys(unzipSync(new Uint8Array(await res.arrayBuffer()))).filter((n) => n.startsWith('images/'));
    expect(names).toHaveLength(1);
    expect(names[0]).toContain(String(ben!['Row ID']));
  }, 90_000);

  it('runs a 50-row review round: 10 sent back with feedback, all approved, the approved zip named by the template with 10 at v2', async () => {
    const app = createApp(() => s);
    const big = new MemorySheet(11, 'Team', [['Name', 'Prompt', 'Headline'], ...Array.from({ length: 50 }, (_, i) => [`Person ${i + 1}`, 'A welcome card', `Welcome, person ${i + 1}`])]);
    s.spreadsheet.sheetList.push(big);
    s.spreadsheet.activeIndex = s.spreadsheet.sheetList.length - 1;
    const run = value(app.startRun({ scope: 'not_done', requestId: 'review-50', fileNameTemplate: '{{Name}}-{{size}}-v{{version}}' }));
    follow(app, run.id, () => big.record(51, 1)['Status'] === 'DONE');
    app.addReviewColumns();
    const col = (h: string) => big.rows()[0]!.map(String).indexOf(h) + 1;
    for (let r = 2; r <= 11; r++) {
      big.set(r, col('Review'), 'Changes');
      big.set(r, col('Feedback'), 'Use the full name');
      big.set(r, col('Headline'), `Welcome, Person Number ${r - 1}`);
    }
    app.applyReview();
    expect(s.ui.toasts.at(-1)?.message).toBe('Review applied: 10 rows sent back with feedback (new versions are on their way).');
    follow(app, run.id, () => [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].every((r) => big.record(r, 1)['Version'] === 2));

    for (let r = 2; r <= 51; r++) big.set(r, col('Review'), 'Approve');
    app.applyReview();
    expect(s.ui.toasts.at(-1)?.message).toBe('Review applied: 50 approved.');
    follow(app, run.id, () => big.record(51, 1)['Approved image URL'] !== '');
    expect(big.record(2, 1)['Approved image URL']).toBe(big.record(2, 1)['Image URL']);

    const link = value(app.downloadLink({ batchId: run.id, approvedOnly: true }));
    const zip = unzipSync(new Uint8Array(await (await fetch(link.url)).arrayBuffer()));
    const names = Object.keys(zip).filter((n) => n.startsWith('images/')).sort();
    expect(names).toHaveLength(50);
    expect(names.filter((n) => n.endsWith('-1080x1080-v2.png'))).toHaveLength(10);
    expect(names).toContain('images/Person 1-1080x1080-v2.png');
    expect(names).toContain('images/Person 50-1080x1080-v1.png');
  }, 120_000);
});

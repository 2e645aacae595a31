// The e-mail's words: user and model text stays text in the HTML part.
import { describe, expect, it } from 'vitest';
import { noticeMail, type RunNotice } from '../../../../addon/server/notify/notice-mail';

const notice: RunNotice = {
  kind: 'failed_rows', scheduleName: 'Mugs <b>now</b>', sheetName: 'A&B', sheetUrl: 'https://docs.google.com/spreadsheets/d/x/edit#gid=0',
  batchId: 'b_1', message: null, capUsd: 5,
  finished: { state: 'DONE', rowCount: 1, counts: { QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 1, SKIPPED: 0, CANCELLED: 0 }, costUsd: 0 },
  failed: [{ row: null, rowId: 'r_1', reason: '<script>alert(1)</script>' }], failedTotal: 1,
};

describe('noticeMail', () => {
  it('escapes schedule names and reasons in the HTML part and keeps them verbatim in the text part', () => {
    const mail = noticeMail(notice);
    expect(mail.htmlBody).not.toContain('<script>');
    expect(mail.htmlBody).not.toContain('<b>');
    expect(mail.htmlBody).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(mail.body).toContain('Row ? (Row ID r_1): <script>alert(1)</script>');
    expect(mail.subject).toBe('Rowshot: “Mugs <b>now</b>” finished with 1 failed row');
  });
});

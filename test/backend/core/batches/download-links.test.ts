// Approvals and Download all through the API: approving pins a row's version (a later revision
// does not move it) and is counted; the download link opens the zip without a key, holding the
// latest versions, only the approved ones, or every version; a forged or revoked link is 404.
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchStatus, DownloadLink, RowResult } from '../../../../shared/index';
import { rotateLinkKey } from '../../../../backend/src/core/tenants/tenants';
import { startTestServer, type TestServer } from '../../../helpers/server';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const zipOf = async (url: string) => {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/zip');
  return unzipSync(new Uint8Array(await res.arrayBuffer()));
};
const images = (zip: Record<string, Uint8Array>) => Object.keys(zip).filter((n) => n.startsWith('images/')).sort();

describe('approvals and Download all', () => {
  it('pins approved versions, counts them, and downloads latest, approved-only or all versions by link', async () => {
    const s = await startTestServer({ ROWSHOT_FLUSH_INTERVAL_MS: '200' });
    servers.push(s);
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: ['ana', 'ben', 'cy'].map((n) => ({ rowId: n, cells: { Prompt: 'A card', Headline: `Hello ${n}`, Model: 'template' } })) } });
    const { id } = (await res.json()) as { id: string };
    await s.waitForBatch(id);

    // Approve ana and ben (v1), then revise ben: ben's approval stays on v1 while v2 is made.
    const approved = await s.api(`/v1/batches/${id}/approve`, { method: 'POST', json: { rows: [{ rowId: 'ana', approved: true }, { rowId: 'ben', approved: true }] } });
    expect(await approved.json()).toEqual({ rows: [{ rowId: 'ana', approvedVersion: 1 }, { rowId: 'ben', approvedVersion: 1 }] });
    expect((await s.api(`/v1/batches/${id}/revise`, { method: 'POST', json: { rows: [{ rowId: 'ben', feedback: 'Bigger', cells: { Prompt: 'A card', Headline: 'Hello BEN', Model: 'template' } }] } })).status).toBe(202);
    await s.waitForBatch(id);
    const rows = Object.fromEntries(((await (await s.api(`/v1/batches/${id}/rows`)).json()) as { rows: RowResult[] }).rows.map((r) => [r.rowId, r]));
    expect(rows.ben).toMatchObject({ version: 2, approved: { version: 1 } });
    expect(rows.ben!.approved!.images[0]!.url).not.toBe(rows.ben!.images[0]!.url);
    // The status counts approvals once the flush has folded them in.
    let status = (await (await s.api(`/v1/batches/${id}`)).json()) as BatchStatus;
    for (let i = 0; i < 50 && status.approvedRows !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await (await s.api(`/v1/batches/${id}`)).json()) as BatchStatus;
    }
    expect(status.approvedRows).toBe(2);

    const link = async (json: object) => (await (await s.api(`/v1/batches/${id}/download-link`, { method: 'POST', json })).json()) as DownloadLink;
    const latest = await link({});
    expect(latest).toMatchObject({ approvedOnly: false, allVersions: false, url: expect.stringMatching(/\/d\/[\w.-]+$/) });
    // No API key needed: the link is the permission.
    const all = await zipOf(latest.url);
    expect(images(all)).toHaveLength(3);
    expect(strFromU8(all['results.csv']!).split('\n')[0]).toContain('Row ID');

    const approvedZip = await zipOf((await link({ approvedOnly: true })).url);
    const approvedNames = images(approvedZip);
    expect(approvedNames).toHaveLength(2);
    // ben's approved file is v1's, byte for byte.
    const benV1 = Buffer.from(await (await fetch(rows.ben!.approved!.images[0]!.url)).arrayBuffer());
    expect(approvedNames.some((n) => Buffer.from(approvedZip[n]!).equals(benV1))).toBe(true);

    const versions = images(await zipOf((await link({ allVersions: true })).url));
    expect(versions.filter((n) => n.startsWith('images/ben/'))).toEqual(['images/ben/v1/1080x1080-v1.png', 'images/ben/v2/1080x1080-v1.png']);
    expect(versions).toHaveLength(4);

    // A forged token, and every link after the tenant's link key is rotated, answer 404.
    expect((await fetch(latest.url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).status).toBe(404);
    await rotateLinkKey(s.rowshot.deps.store, 'local');
    expect((await fetch(latest.url)).status).toBe(404);

    // Approving a row that is not DONE, or one not in the batch, is refused listing each.
    const bad = await s.api(`/v1/batches/${id}/approve`, { method: 'POST', json: { rows: [{ rowId: 'nope', approved: true }, { rowId: 'ana', approved: true }, { rowId: 'ana', approved: false }] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { invalidFields: { field: string }[] }).invalidFields.map((f) => f.field)).toEqual(['rows[0].rowId', 'rows[2].rowId']);
  }, 120_000);
});

// How the add-on reads the backend's answers: the shared schema for successes, RFC 7807 for
// failures, and one readable RpcError for each way a call can go wrong.
import { describe, expect, it } from 'vitest';
import { BackendClient, type BackendSettings } from '../../../../addon/server/api/backend-client';
import { api } from '../../../../addon/server/api/endpoints';
import { AddonError } from '../../../../addon/server/result';
import type { HttpResponse } from '../../../../addon/server/services/ports';
import { stubHttp } from '../helpers/fake-backend';

const settings: BackendSettings = { backendUrl: 'https://rowshot.example', credential: { kind: 'api_key', key: 'rs_secret_key_wxyz' } };
// A token shaped as Google's (the client reads only its email claim, for messages).
const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ email: 'ann@acme.com' })).toString('base64url')}.c2ln`;
const google: BackendSettings = { backendUrl: 'https://rowshot.example', credential: { kind: 'google', token: idToken, email: 'ann@acme.com' } };
const problem = (status: number, body: object): HttpResponse => ({ status, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(body) });

function failure(respond: () => HttpResponse, as: BackendSettings = settings): AddonError {
  const client = new BackendClient(stubHttp(respond), as);
  try {
    api.listPacks(client);
  } catch (e) {
    if (e instanceof AddonError) return e;
    throw e;
  }
  throw new Error('the call did not fail');
}

describe('BackendClient', () => {
  it('sends the key as a Bearer token and JSON bodies as JSON, and checks the answer with the shared schema', () => {
    const http = stubHttp(() => ({ status: 200, headers: {}, body: JSON.stringify({ totalUsd: 0.078, images: 2, invalidRows: 0, rows: [], currency: 'USD' }) }));
    const out = api.estimate(new BackendClient(http, settings), { rows: [{ rowId: 'r1', cells: { Prompt: 'x' } }] });
    expect(out.totalUsd).toBe(0.078);
    const req = http.requests[0]!;
    expect(req).toMatchObject({ url: 'https://rowshot.example/v1/estimate', method: 'post', contentType: 'application/json' });
    expect(req.headers?.authorization).toBe('Bearer rs_secret_key_wxyz');
    expect(JSON.parse(req.payload as string)).toEqual({ rows: [{ rowId: 'r1', cells: { Prompt: 'x' } }] });
  });

  it('sends an upload as raw bytes given in base64, with the image type', () => {
    const http = stubHttp(() => ({ status: 201, headers: {}, body: JSON.stringify({ id: 'u_1', width: 4, height: 4, mimeType: 'image/png', thumbnailUrl: 'https://t/1' }) }));
    const up = api.upload(new BackendClient(http, settings), 'iVBORw0KGgo=', 'image/png');
    expect(up.id).toBe('u_1');
    expect(http.requests[0]).toMatchObject({ url: 'https://rowshot.example/v1/uploads', method: 'post', contentType: 'image/png', payload: { base64: 'iVBORw0KGgo=' } });
  });

  it('a network failure is "unreachable" and says where it tried', () => {
    const e = failure(() => {
      throw new Error('DNS error: rowshot.example');
    });
    expect(e.rpc).toEqual({ code: 'unreachable', message: 'Could not reach https://rowshot.example: DNS error: rowshot.example. Check the backend URL in Settings and that the backend is running.' });
  });

  it('a page that is not a Rowshot answer (a wrong URL) is "unreachable" too', () => {
    const e = failure(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html>Not Found</html>' }));
    expect(e.rpc.code).toBe('unreachable');
    expect(e.rpc.message).toBe('Could not reach a Rowshot backend at https://rowshot.example: GET /v1/packs answered HTTP 404. Check the backend URL in Settings.');
    const wrongShape = failure(() => ({ status: 200, headers: {}, body: '{"hello":"world"}' }));
    expect(wrongShape.rpc.message).toMatch(/^Could not reach a Rowshot backend at https:\/\/rowshot\.example: GET \/v1\/packs answered something unexpected \(packs: /);
  });

  it('a 401 is "unauthenticated" and names the key by its last 4 characters only', () => {
    const e = failure(() => problem(401, { type: 't', title: 'An API key is needed', status: 401, code: 'unauthenticated', detail: 'The API key is not valid' }));
    expect(e.rpc).toEqual({ code: 'unauthenticated', message: 'The backend refused the API key (ending in wxyz): check the API key in Settings.' });
    expect(e.rpc.message).not.toContain('rs_secret');
  });

  it('sends a Google sign-in as the Bearer token, and a refusal says whom and why (never the token)', () => {
    const http = stubHttp(() => ({ status: 200, headers: {}, body: JSON.stringify({ packs: [] }) }));
    api.listPacks(new BackendClient(http, google));
    expect(http.requests[0]?.headers?.authorization).toBe(`Bearer ${idToken}`);
    const expired = failure(() => problem(401, { type: 't', title: 'x', status: 401, code: 'unauthenticated', detail: 'the Google sign-in token has expired: sign in again' }), google);
    expect(expired.rpc).toEqual({
      code: 'unauthenticated',
      message: 'The backend refused your Google sign-in (ann@acme.com): the Google sign-in token has expired: sign in again. If it takes API keys only, choose "An API key" in Settings.',
    });
    const notAllowed = failure(() => problem(403, { type: 't', title: 'x', status: 403, code: 'forbidden', detail: 'ann@acme.com (domain acme.com) may not use this Rowshot server' }), google);
    expect(notAllowed.rpc).toEqual({ code: 'unauthenticated', message: 'ann@acme.com (domain acme.com) may not use this Rowshot server' });
    expect(JSON.stringify([expired.rpc, notAllowed.rpc])).not.toContain(idToken);
  });

  it('a 400 problem keeps its detail and lists every invalid field', () => {
    const fields = Array.from({ length: 7 }, (_, i) => ({ field: `rows[${i}].rowId`, message: 'duplicate Row ID' }));
    const e = failure(() => problem(400, { type: 't', title: 'The request is not valid', status: 400, code: 'invalid_request', detail: '7 row(s) repeat a Row ID', invalidFields: fields }));
    expect(e.rpc.code).toBe('invalid_request');
    expect(e.rpc.fields).toEqual(fields);
    expect(e.rpc.message).toBe('7 row(s) repeat a Row ID (rows[0].rowId: duplicate Row ID; rows[1].rowId: duplicate Row ID; rows[2].rowId: duplicate Row ID; rows[3].rowId: duplicate Row ID; rows[4].rowId: duplicate Row ID; and 2 more)');
  });

  it('maps other problems to stable codes', () => {
    const codeOf = (status: number, code: string) => failure(() => problem(status, { type: 't', title: 'x', status, code, detail: `d${status}` })).rpc;
    expect(codeOf(404, 'not_found')).toEqual({ code: 'not_found', message: 'd404' });
    expect(codeOf(409, 'conflict')).toEqual({ code: 'conflict', message: 'd409' });
    expect(codeOf(422, 'over_budget')).toEqual({ code: 'over_budget', message: 'd422' });
    expect(codeOf(429, 'rate_limited')).toEqual({ code: 'busy', message: 'd429' });
    expect(codeOf(500, 'internal')).toEqual({ code: 'backend_error', message: 'The backend failed (HTTP 500): d500' });
  });
});

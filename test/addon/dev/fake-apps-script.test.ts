// The fakes behave like Apps Script where the add-on could tell the difference: cell types,
// range checks, shared document lock, per-user properties, cache expiry, UrlFetch failures,
// add-on trigger limits and what a trigger execution may not do.
import { describe, expect, it } from 'vitest';
import { OAuth2Client } from 'google-auth-library';
import { createFakeAppsScript, createFakeClock, createFakeDocument, EMAIL_SCOPE, FakeNetworkError, makeFakeGoogleIdentity, OPENID_SCOPE } from '../../../addon/dev/fake-apps-script/index';

/** Loads a snippet as Code.js; each top-level function is one execution. */
function load(code: string, fake = createFakeAppsScript()) {
  return { fake, g: fake.load(code, { modes: { inTrigger: 'trigger' } }) };
}

describe('SpreadsheetApp fakes', () => {
  it('store formulas, text markers and numbers-in-text as Sheets does', () => {
    const { fake, g } = load(`function write() {
      var sheet = SpreadsheetApp.getActiveSpreadsheet().getActiveSheet();
      sheet.getRange(1, 1, 1, 5).setValues([['=IMAGE("https://x.test/a.png")', "'=1+1", '0012', 'true', 'plain']]);
      var r = sheet.getRange(1, 1, 1, 5);
      return JSON.stringify([r.getValues(), r.getFormulas(), sheet.getLastRow(), sheet.getLastColumn()]);
    }`);
    expect(JSON.parse(g.write())).toEqual([
      [['', '=1+1', 12, true, 'plain']],
      [['=IMAGE("https://x.test/a.png")', '', '', '', '']],
      1, 5,
    ]);
    expect(fake.calls.count('Range.setValues')).toBe(1);
    expect(fake.calls.count('Sheet.getRange')).toBe(2);
  });

  it('throws Apps Script exceptions, as errors of the bundle\'s own realm', () => {
    const { g } = load(`function bad(rows, cols) {
      try { SpreadsheetApp.getActiveSpreadsheet().getActiveSheet().getRange(1, 1, rows, cols).setValues([[1, 2]]); return 'no error'; }
      catch (e) { return [e instanceof Error, String(e)].join(' | '); }
    }`);
    expect(g.bad(0, 2)).toBe('true | Exception: The number of rows in the range must be at least 1.');
    expect(g.bad(1, 3)).toBe('true | Exception: The number of columns in the data does not match the number of columns in the range. The data has 2 but the range has 3.');
    expect(g.bad(1, 30)).toBe('true | Exception: The coordinates of the range are outside the dimensions of the sheet.');
  });

  it('answer the selection the test sets', () => {
    const fake = createFakeAppsScript({ workbook: { sheets: { First: [['a']], Second: [['b']] } } });
    fake.workbook.select('Second', ['A2:B4', 'D7']);
    const { g } = load(`function sel() {
      var ss = SpreadsheetApp.getActiveSpreadsheet();
      return [ss.getActiveSheet().getName()].concat(ss.getActiveRangeList().getRanges().map(function (r) {
        return [r.getRow(), r.getColumn(), r.getNumRows(), r.getNumColumns()].join(',');
      }));
    }`, fake);
    expect([...g.sel()]).toEqual(['Second', '2,1,3,2', '7,4,1,1']);
  });

  it('refuse the Ui in a trigger execution', () => {
    const { g } = load(`function inTrigger() { try { SpreadsheetApp.getUi(); return 'ui'; } catch (e) { return String(e); } }`);
    expect(g.inTrigger()).toBe('Exception: Cannot call SpreadsheetApp.getUi() from this context.');
  });
});

describe('LockService', () => {
  it('shares the document lock between executions and releases it when an execution ends', () => {
    const document = createFakeDocument();
    const other = load('function grab() { return LockService.getDocumentLock().tryLock(1000); }', createFakeAppsScript({ document, user: 'bob@example.com' }));
    const seen: boolean[] = [];
    const fake = createFakeAppsScript({ document, fetch: () => (seen.push(other.g.grab()), { status: 200 }) });
    const { g } = load(`function holdAndFetch() {
      var lock = LockService.getDocumentLock();
      var mine = lock.tryLock(1000);
      UrlFetchApp.fetch('https://x.test/', { muteHttpExceptions: true });
      return mine;
    }`, fake);
    const before = fake.clock.now();
    expect(g.holdAndFetch()).toBe(true);
    expect(seen).toEqual([false]); // bob's execution found the lock taken…
    expect(fake.clock.now() - before).toBe(1000); // …after waiting its timeout
    expect(document.lock.holder).toBeNull(); // the execution ended without releaseLock
    expect(other.g.grab()).toBe(true);
  });
});

describe('PropertiesService and CacheService', () => {
  it('keeps user properties per user and document properties shared', () => {
    const document = createFakeDocument();
    const code = `function put(k, v) { PropertiesService.getUserProperties().setProperty(k, v); PropertiesService.getDocumentProperties().setProperty(k, v); }
      function read(k) { return [PropertiesService.getUserProperties().getProperty(k), PropertiesService.getDocumentProperties().getProperty(k)]; }`;
    const alice = load(code, createFakeAppsScript({ document, user: 'alice@example.com' }));
    const bob = load(code, createFakeAppsScript({ document, user: 'bob@example.com' }));
    alice.g.put('key', 'A');
    expect([...bob.g.read('key')]).toEqual([null, 'A']);
    expect([...alice.g.read('key')]).toEqual(['A', 'A']);
  });

  it('refuses a property value over 9 KB', () => {
    const { g } = load(`function big(n) { try { PropertiesService.getDocumentProperties().setProperty('k', new Array(n + 1).join('x')); return 'ok'; } catch (e) { return String(e); } }`);
    expect(g.big(9 * 1024)).toBe('ok');
    expect(g.big(9 * 1024 + 1)).toBe('Exception: Argument too large: value');
  });

  it('expires cache entries by the fake clock', () => {
    const { fake, g } = load(`function put() { CacheService.getDocumentCache().put('k', 'v', 10); }
      function get() { return CacheService.getDocumentCache().get('k'); }`);
    g.put();
    fake.clock.advance(9_999);
    expect(g.get()).toBe('v');
    fake.clock.advance(1);
    expect(g.get()).toBeNull();
  });
});

describe('UrlFetchApp and Utilities', () => {
  it('hands the handler method, headers and signed bytes, and answers its response', () => {
    const fake = createFakeAppsScript({ fetch: () => ({ status: 404, headers: { 'X-Id': '7' }, body: 'gone' }) });
    const { g } = load(`function send() {
      var res = UrlFetchApp.fetch('https://x.test/up', { method: 'POST', contentType: 'image/png', headers: { authorization: 'Bearer k' },
        payload: Utilities.base64Decode('/wB/gA=='), muteHttpExceptions: true });
      return [res.getResponseCode(), res.getAllHeaders()['X-Id'], res.getContentText()];
    }`, fake);
    expect([...g.send()]).toEqual([404, '7', 'gone']);
    expect(fake.http.requests).toEqual([
      { url: 'https://x.test/up', method: 'post', headers: { authorization: 'Bearer k' }, contentType: 'image/png', payload: [-1, 0, 127, -128] },
    ]);
  });

  it('throws "Address unavailable" on a network failure, and on HTTP errors unless muted', () => {
    let fail = true;
    const fake = createFakeAppsScript({
      fetch: () => {
        if (fail) throw new FakeNetworkError('refused');
        return { status: 500, body: 'boom' };
      },
    });
    const { g } = load(`function get() { try { UrlFetchApp.fetch('https://x.test/a'); return 'ok'; } catch (e) { return String(e); } }`, fake);
    expect(g.get()).toBe('Exception: Address unavailable: https://x.test/a');
    fail = false;
    expect(g.get()).toMatch(/^Exception: Request failed for https:\/\/x\.test\/a returned code 500\. Truncated server response: boom/);
  });

  it('passes dates to a top-level function as dates of the bundle\'s realm, as Sheets does for custom functions', () => {
    const { g } = load(`function kinds(a, rows) { return [a instanceof Date, a.getTime(), rows[0][0] instanceof Date, rows[0][1]].join(' '); }`);
    expect(g.kinds(new Date('2024-04-30T22:00:00.000Z'), [[new Date(0), 'text']])).toBe(`true ${Date.parse('2024-04-30T22:00:00.000Z')} true text`);
  });

  it('runs Date and Utilities.sleep on the fake clock', () => {
    const fake = createFakeAppsScript();
    fake.clock.set('2025-05-01T12:00:00.000Z');
    const { g } = load(`function now() { var a = new Date().toISOString(); Utilities.sleep(1500); return [a, new Date(Date.now()).toISOString()]; }`, fake);
    expect([...g.now()]).toEqual(['2025-05-01T12:00:00.000Z', '2025-05-01T12:00:01.500Z']);
  });
});

describe('ScriptApp', () => {
  it('allows one time-driven trigger per user and document, as Apps Script does for add-ons', () => {
    const { fake, g } = load(`function make() { try { return ScriptApp.newTrigger('tick').timeBased().everyHours(1).create().getHandlerFunction(); } catch (e) { return String(e); } }
      function clear() { ScriptApp.getUserTriggers(SpreadsheetApp.getActiveSpreadsheet()).forEach(function (t) { ScriptApp.deleteTrigger(t); }); }`);
    expect(g.make()).toBe('tick');
    expect(g.make()).toBe('Exception: This add-on has created too many time-based triggers in this document for this Google user account.');
    g.clear();
    expect(fake.triggers).toEqual([]);
  });

  it('mints Google ID tokens that verify against the identity\'s key, only with the openid scope and never in a custom function', async () => {
    const identity = makeFakeGoogleIdentity('123-addon.apps.googleusercontent.com', { hd: 'acme.com' });
    const code = 'function token() { return ScriptApp.getIdentityToken(); }\nfunction cell() { try { return ScriptApp.getIdentityToken(); } catch (e) { return String(e); } }';
    // Tokens are stamped by the fake clock; here it follows real time, which the verifier checks.
    const fake = createFakeAppsScript({ identity, user: 'ann@acme.com', oauthScopes: [OPENID_SCOPE, EMAIL_SCOPE], clock: createFakeClock({ follow: true }) });
    const g = fake.load(code, { modes: { cell: 'customFunction' } });
    const token = g.token() as string;
    const ticket = await new OAuth2Client().verifySignedJwtWithCertsAsync(token, { [identity.kid]: identity.publicKeyPem }, identity.clientId, ['https://accounts.google.com']);
    expect(ticket.getPayload()).toMatchObject({ aud: identity.clientId, email: 'ann@acme.com', email_verified: true, hd: 'acme.com', iss: 'https://accounts.google.com' });
    expect(g.cell()).toBe('Exception: You do not have permission to call ScriptApp.getIdentityToken');
    // Without the openid scope Apps Script gives no token; without the email scope, no email.
    expect(createFakeAppsScript({ identity, oauthScopes: [EMAIL_SCOPE] }).load(code).token()).toBeNull();
    const noEmail = createFakeAppsScript({ identity, oauthScopes: [OPENID_SCOPE] }).load(code).token() as string;
    expect(JSON.parse(Buffer.from(noEmail.split('.')[1] ?? '', 'base64url').toString())).not.toHaveProperty('email');
    expect(createFakeAppsScript().load(code).token()).toBeNull();
  });
});

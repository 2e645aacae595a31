// Settings live in the user's own properties; the key never goes back to the browser; Test
// connection says which setting is missing or wrong.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { memoryServices } from '../helpers/memory-services';
import { NO_ID_TOKEN } from '../../../../addon/server/api/credential';

/** A JWT-shaped token with an email claim (the add-on only reads it; the backend verifies). */
const idToken = (email: string): string => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ email, email_verified: true })).toString('base64url')}.c2ln`;

function setup() {
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [new MemorySheet(1, 'Sheet1')], http: backend });
  return { s, backend, app: createApp(() => s) };
}

describe('settings', () => {
  it('start empty, with a $5 confirmation threshold', () => {
    const { app } = setup();
    expect(app.getSettings()).toEqual({ ok: true, value: { backendUrl: '', signIn: 'google', googleEmail: null, apiKeySaved: false, apiKeyHint: '', confirmAboveUsd: 5, backendWrites: false } });
  });

  it('saves URL and key in USER properties only, and answers only the last 4 characters of the key', () => {
    const { s, app } = setup();
    const saved = app.saveSettings({ backendUrl: ' https://rowshot.test/ ', apiKey: 'rs_test_key_1234', confirmAboveUsd: 12.5, backendWrites: true });
    // A key saved with no sign-in chosen is used (as before sign-in with Google existed).
    expect(saved).toEqual({ ok: true, value: { backendUrl: 'https://rowshot.test', signIn: 'api_key', googleEmail: null, apiKeySaved: true, apiKeyHint: '1234', confirmAboveUsd: 12.5, backendWrites: true } });
    expect(JSON.stringify(saved)).not.toContain('rs_test_key');
    expect(s.userProperties.get('rowshot.apiKey')).toBe('rs_test_key_1234');
    expect(s.documentProperties.map.size).toBe(0);
    // An empty key keeps the saved one.
    const again = app.saveSettings({ backendUrl: 'https://other.test', apiKey: '' });
    expect(again.ok && again.value).toMatchObject({ backendUrl: 'https://other.test', apiKeySaved: true, apiKeyHint: '1234', confirmAboveUsd: 12.5 });
  });

  it('refuses bad values, naming every field, and saves nothing', () => {
    const { s, app } = setup();
    const r = app.saveSettings({ backendUrl: 'rowshot dot test', apiKey: 'short', confirmAboveUsd: -1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.fields?.map((f) => f.field)).toEqual(['backendUrl', 'apiKey', 'confirmAboveUsd']);
    expect(s.userProperties.map.size).toBe(0);
    const noKey = app.saveSettings({ backendUrl: 'https://rowshot.test', signIn: 'api_key' });
    expect(!noKey.ok && noKey.error.fields).toEqual([{ field: 'apiKey', message: 'Paste an API key to sign in with one, or choose your Google account' }]);
    const badMode = app.saveSettings({ backendUrl: 'https://rowshot.test', signIn: 'password' as 'google' });
    expect(!badMode.ok && badMode.error.fields?.map((f) => f.field)).toEqual(['signIn']);
    expect(s.userProperties.map.size).toBe(0);
  });

  it('refuses an http:// URL (Apps Script fetches only https) unless it is localhost or 127.0.0.1', () => {
    const { s, app } = setup();
    const r = app.saveSettings({ backendUrl: 'http://rowshot.example.com', apiKey: 'rs_test_key_1234' });
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: '"http://rowshot.example.com" is not https: Apps Script only fetches https:// addresses, so use the backend\'s https:// URL (http:// is for localhost and 127.0.0.1 only)',
        fields: [{ field: 'backendUrl', message: '"http://rowshot.example.com" is not https: Apps Script only fetches https:// addresses, so use the backend\'s https:// URL (http:// is for localhost and 127.0.0.1 only)' }],
      },
    });
    expect(s.userProperties.map.size).toBe(0);
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000/', 'HTTP://LOCALHOST', 'https://rowshot.example.com']) {
      const saved = app.saveSettings({ backendUrl: url });
      expect(saved.ok && saved.value.backendUrl).toBe(url.replace(/\/+$/, ''));
    }
    const lookalike = app.saveSettings({ backendUrl: 'http://localhost.evil.test' });
    expect(!lookalike.ok && lookalike.error.fields?.map((f) => f.field)).toEqual(['backendUrl']);
  });
});

describe('Test connection', () => {
  it('names the missing settings', () => {
    const { s, app } = setup();
    expect(app.testConnection()).toEqual({ ok: false, error: { code: 'not_configured', message: 'Rowshot is not set up yet: enter the backend URL in Extensions → Rowshot → Settings.' } });
    s.userProperties.set('rowshot.backendUrl', 'https://rowshot.test');
    s.userProperties.set('rowshot.signIn', 'api_key');
    const r = app.testConnection();
    expect(!r.ok && r.error.message).toBe('Rowshot is not set up yet: enter the API key in Extensions → Rowshot → Settings.');
  });

  it('signs in with Google by default, with no key: the ID token is the Bearer token, and Settings says whose', () => {
    const { s, app, backend } = setup();
    app.saveSettings({ backendUrl: 'https://rowshot.test' });
    // Apps Script gave no token (no openid scope): the message says what to do instead.
    const none = app.testConnection();
    expect(!none.ok && none.error).toEqual({ code: 'not_configured', message: NO_ID_TOKEN });
    s.user.idToken = idToken('ann@acme.com');
    backend.otherKeys.push(s.user.idToken);
    expect(app.getSettings()).toMatchObject({ ok: true, value: { signIn: 'google', googleEmail: 'ann@acme.com', apiKeySaved: false } });
    expect(app.testConnection()).toMatchObject({ ok: true, value: { message: 'Connected to https://rowshot.test: signed in with Google as ann@acme.com (0 reference packs).' } });
    expect(backend.requests.at(-1)?.headers?.authorization).toBe(`Bearer ${s.user.idToken}`);
    // The API key as the fallback: chosen in Settings, then used instead of the token.
    app.saveSettings({ backendUrl: 'https://rowshot.test', signIn: 'api_key', apiKey: 'rs_test_key_1234' });
    expect(app.getSettings()).toMatchObject({ ok: true, value: { signIn: 'api_key', apiKeySaved: true, apiKeyHint: '1234' } });
    expect(app.testConnection()).toMatchObject({ ok: true, value: { message: 'Connected to https://rowshot.test: the API key works (0 reference packs).' } });
    expect(backend.requests.at(-1)?.headers?.authorization).toBe('Bearer rs_test_key_1234');
    // Back to Google: the saved key stays, unused.
    app.saveSettings({ backendUrl: 'https://rowshot.test', signIn: 'google' });
    expect(app.testConnection().ok).toBe(true);
    expect(backend.requests.at(-1)?.headers?.authorization).toBe(`Bearer ${s.user.idToken}`);
  });

  it('says connected, a refused key, or an unreachable URL', () => {
    const { app, backend } = setup();
    app.saveSettings({ backendUrl: 'https://rowshot.test', apiKey: 'rs_test_key_1234' });
    backend.packs.push({ id: 'p1', name: 'Brand', images: [], logo: null, palette: [], createdAt: '', updatedAt: '' });
    expect(app.testConnection()).toEqual({
      ok: true,
      value: {
        message: 'Connected to https://rowshot.test: the API key works (1 reference pack).',
        models: [
          { id: 'template', label: 'Template renderer (offline, free)', priceUsd: 0, isDefault: false },
          { id: 'gemini-2.5-flash-image', label: 'Gemini 2.5 Flash Image', priceUsd: 0.039, isDefault: true },
        ],
      },
    });

    app.saveSettings({ backendUrl: 'https://rowshot.test', apiKey: 'rs_wrong_key_9876' });
    const refused = app.testConnection();
    expect(!refused.ok && refused.error).toEqual({ code: 'unauthenticated', message: 'The backend refused the API key (ending in 9876): check the API key in Settings.' });

    app.saveSettings({ backendUrl: 'https://typo.test', apiKey: 'rs_test_key_1234' });
    const unreachable = app.testConnection();
    expect(!unreachable.ok && unreachable.error.code).toBe('unreachable');
    expect(!unreachable.ok && unreachable.error.message).toMatch(/^Could not reach https:\/\/typo\.test: /);
  });
});

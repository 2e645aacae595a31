// GeminiProvider with the real @google/genai client against a local fake of generateContent.
import { GoogleGenAI } from '@google/genai';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GeminiProvider } from '../../../../backend/src/adapters/google/gemini-provider';
import type { GeminiProviderOptions } from '../../../../backend/src/adapters/google/gemini-provider';
import type { GenerateRequest } from '../../../../backend/src/ports/image-provider';
import { errorReply, imageReply, startGeminiFake } from '../../../helpers/fakes/gemini-fake';
import type { GeminiFake } from '../../../helpers/fakes/gemini-fake';
import { generateRequest } from '../../../helpers/generate-request';

const API_KEY = 'AIzaSyFAKE-test-key-0123456789abcdefghijk';

let fake: GeminiFake;
let png: Buffer;
let refA: Buffer;
let refB: Buffer;
let logo: Buffer;

beforeAll(async () => {
  fake = await startGeminiFake();
  png = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#3366cc' } }).png().toBuffer();
  refA = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
  refB = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00ff00' } }).png().toBuffer();
  logo = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#0000ff80' } }).png().toBuffer();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  fake.setDefault(errorReply(500, 'INTERNAL', 'no scripted reply'));
  vi.restoreAllMocks();
});

function client(): GoogleGenAI {
  return new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: fake.url } });
}

function provider(opts: Partial<GeminiProviderOptions> = {}): { p: GeminiProvider; sleeps: number[] } {
  const sleeps: number[] = [];
  const p = new GeminiProvider({
    client: client(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...opts,
  });
  return { p, sleeps };
}

const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => generateRequest('gemini-3.1-flash-image', 'A lighthouse at dawn', over);

interface SentBody {
  contents: Array<{ role?: string; parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig: { responseModalities?: string[]; imageConfig?: { aspectRatio?: string; imageSize?: string }; seed?: number };
}

function sent(i = 0): SentBody {
  return fake.requests[i]?.body as SentBody;
}

describe('GeminiProvider request', () => {
  it('sends the model path, the api key header, parts in pack order and imageConfig with imageSize', async () => {
    fake.script(imageReply(png, { imageTokens: 1680 }));
    const { p } = provider({ imageSize: '2K' });
    expect(p.name).toBe('gemini');
    expect(p.models).toEqual(['gemini-2.5-flash-image', 'gemini-3.1-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-image-preview', 'gemini-3-pro-image-preview']);
    const out = await p.generate(request({
      aspectRatio: '16:9',
      negativePrompt: 'blurry, watermark',
      headline: 'Spring Sale',
      subline: 'Up to 30% off',
      references: [
        { data: refA, mimeType: 'image/jpeg', mode: 'style_only' },
        { data: refB, mimeType: 'image/png', mode: 'style_and_composition' },
      ],
      logo: { data: logo, mimeType: 'image/png', mode: 'style_only' },
    }));

    expect(fake.requests).toHaveLength(1);
    const rec = fake.requests[0]!;
    expect(rec.method).toBe('POST');
    expect(rec.path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
    expect(rec.headers['x-goog-api-key']).toBe(API_KEY);

    const body = sent();
    const parts = body.contents[0]!.parts;
    expect(parts).toHaveLength(4);
    const text = parts[0]!.text!;
    expect(text).toContain('A lighthouse at dawn');
    expect(text).toContain('Avoid: blurry, watermark');
    expect(text).toMatch(/Image 1 \(reference\): use for colour palette, lighting and style only; do not copy its composition/);
    expect(text).toMatch(/Image 2 \(reference\): follow its composition and layout/);
    expect(text).toMatch(/Image 3 \(logo\): place this logo unobtrusively/);
    expect(text).toContain('Render this text exactly as the headline: "Spring Sale"');
    expect(text).toContain('Up to 30% off');
    expect(parts[1]!.inlineData).toEqual({ mimeType: 'image/jpeg', data: refA.toString('base64') });
    expect(parts[2]!.inlineData).toEqual({ mimeType: 'image/png', data: refB.toString('base64') });
    expect(parts[3]!.inlineData).toEqual({ mimeType: 'image/png', data: logo.toString('base64') });
    expect(body.generationConfig.responseModalities).toEqual(['IMAGE', 'TEXT']);
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: '16:9', imageSize: '2K' });

    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.image).toMatchObject({ mimeType: 'image/png', width: 64, height: 36 });
    expect(out.image.data.equals(png)).toBe(true);
    // 1680 image tokens × $60 per million output tokens.
    expect(out.costUsd).toBeCloseTo(0.1008, 10);
    expect(out.notes).toEqual([]);
  });

  it('sends no imageSize to the 1K-only 2.5 flash image model, omits text instructions when there is no headline, and falls back to the listed price', async () => {
    fake.script(imageReply(png));
    const { p } = provider({ imageSize: '2K' });
    const out = await p.generate(request({ model: 'gemini-2.5-flash-image', aspectRatio: '4:5' }));
    const body = sent();
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: '4:5' });
    expect(body.contents[0]!.parts).toHaveLength(1);
    expect(body.contents[0]!.parts[0]!.text).not.toMatch(/render this text exactly/i);
    expect(body.contents[0]!.parts[0]!.text).not.toContain('Avoid:');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.costUsd).toBe(0.039);
    expect(out.notes.join('\n')).toMatch(/1K images only/);
    expect(out.notes.join('\n')).toMatch(/listed price/);
  });

  it('makes each variant its own generation: a distinct seed per (row, variant), the same on a retry', async () => {
    const { p } = provider();
    for (const over of [{ variant: 1 }, { variant: 2 }, { variant: 3 }, { variant: 1, seedKey: 'r_other' }, { variant: 2 }]) {
      fake.script(imageReply(png, { imageTokens: 1120 }));
      expect((await p.generate(request({ seedKey: 'r_lamp', ...over }))).ok).toBe(true);
    }
    const seeds = fake.requests.map((r) => (r.body as SentBody).generationConfig.seed);
    expect(seeds.every((s) => Number.isInteger(s) && s! >= 0 && s! < 2 ** 31)).toBe(true);
    expect(new Set(seeds.slice(0, 4)).size).toBe(4);
    expect(seeds[4]).toBe(seeds[1]);
  });

  it('sends the model default size when no imageSize is configured', async () => {
    fake.script(imageReply(png, { imageTokens: 1120 }));
    const { p } = provider();
    const out = await p.generate(request({ model: 'gemini-3-pro-image' }));
    expect(sent().generationConfig.imageConfig).toEqual({ aspectRatio: '1:1', imageSize: '1K' });
    expect(out.ok && out.costUsd).toBeCloseTo(0.1344, 10);
  });

  it('takes the final image, not an interim thought image', async () => {
    const thought = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).png().toBuffer();
    fake.script({
      body: {
        candidates: [{
          content: { parts: [
            { inlineData: { mimeType: 'image/png', data: thought.toString('base64') }, thought: true },
            { text: 'Here is your image' },
            { inlineData: { mimeType: 'image/png', data: png.toString('base64') } },
          ] },
          finishReason: 'STOP',
        }],
      },
    });
    const out = await provider().p.generate(request());
    expect(out.ok && out.image.width).toBe(64);
  });

  it('never logs the api key', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    fake.script(errorReply(401, 'UNAUTHENTICATED', 'API key not valid. Please pass a valid API key.'), imageReply(png));
    const { p } = provider();
    const a = await p.generate(request());
    const b = await p.generate(request());
    for (const spy of spies) for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toContain(API_KEY);
    expect(JSON.stringify([a, b].map((o) => (o.ok ? o.notes : o)))).not.toContain(API_KEY);
  });
});

describe('GeminiProvider outcomes', () => {
  it('400 invalid argument is permanent with the API message, shortened and without secrets', async () => {
    fake.script(errorReply(400, 'INVALID_ARGUMENT', `Unsupported aspect ratio for key ${API_KEY}. ${'x'.repeat(400)}`));
    const { p, sleeps } = provider();
    const out = await p.generate(request());
    expect(out).toMatchObject({ ok: false, kind: 'permanent' });
    if (out.ok) return;
    expect(out.reason).toMatch(/^Gemini rejected the request \(400\): Unsupported aspect ratio/);
    expect(out.reason).not.toContain(API_KEY);
    expect(out.reason.length).toBeLessThan(220);
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([401, 403])('%i is permanent: the key is not valid or lacks access', async (status) => {
    fake.script(errorReply(status, status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED', `denied for ${API_KEY}`));
    const out = await provider().p.generate(request());
    expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'the Gemini API key is not valid or lacks access' });
    expect(fake.requests).toHaveLength(1);
  });

  it('a prompt blocked by promptFeedback is permanent', async () => {
    fake.script({ body: { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5 } } });
    const out = await provider().p.generate(request());
    expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'the model blocked this request (SAFETY)' });
  });

  it.each(['SAFETY', 'IMAGE_SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'RECITATION'])('finishReason %s is permanent', async (finishReason) => {
    fake.script({ body: { candidates: [{ content: { parts: [] }, finishReason }] } });
    const out = await provider().p.generate(request());
    expect(out).toEqual({ ok: false, kind: 'permanent', reason: `the model blocked this request (${finishReason})` });
  });

  it('a text-only answer is permanent and quotes the first 120 characters', async () => {
    const long = `I can't draw that, but here is a description: ${'lorem ipsum '.repeat(30)}`;
    fake.script({ body: { candidates: [{ content: { role: 'model', parts: [{ text: long }] }, finishReason: 'STOP' }] } });
    const out = await provider().p.generate(request());
    expect(out).toMatchObject({ ok: false, kind: 'permanent' });
    if (out.ok) return;
    expect(out.reason).toMatch(/^the model answered with text instead of an image: «I can't draw that/);
    const quoted = /«(.*)»/.exec(out.reason)?.[1] ?? '';
    expect(quoted.length).toBeLessThanOrEqual(120);
  });

  it.each([
    ['no candidates', {}],
    ['empty parts', { candidates: [{ content: { parts: [] }, finishReason: 'STOP' }] }],
  ])('%s is retried once at once, then permanent "the model returned no image"', async (_name, body) => {
    fake.setDefault({ body });
    const { p, sleeps } = provider();
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
    expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'the model returned no image (twice)' });
  });

  it.each(['NO_IMAGE', 'IMAGE_OTHER', 'OTHER'])('finishReason %s is retried once, and a second reply with an image makes the row', async (finishReason) => {
    fake.script({ body: { candidates: [{ content: { parts: [] }, finishReason }] } }, imageReply(png, { imageTokens: 1120 }));
    const out = await provider().p.generate(request());
    expect(fake.requests).toHaveLength(2);
    expect(out).toMatchObject({ ok: true });
    if (out.ok) expect(out.notes).toContain(`Gemini retried once: the model returned no image (${finishReason})`);
  });

  it('a 429 with a quota of 0 fails at once with the billing reason, not as rate limiting', async () => {
    fake.setDefault(errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: gemini-3.1-flash-image', {
      details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaValue: '0' }] }],
    }));
    const { p, sleeps } = provider({ maxRetries: 2 });
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'this Gemini key has no image quota (billing not enabled?)' });
  });

  it('429 then success within maxRetries, waiting the RetryInfo delay', async () => {
    fake.script(
      errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded. Please retry in 2s.', {
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
      }),
      imageReply(png, { imageTokens: 1120 }),
    );
    const { p, sleeps } = provider({ maxRetries: 2 });
    const out = await p.generate(request());
    expect(out.ok).toBe(true);
    expect(sleeps).toEqual([2000]);
    expect(fake.requests).toHaveLength(2);
    if (out.ok) expect(out.notes).toContain('Gemini succeeded after 1 retry');
  });

  it('503 on every attempt: exponential backoff with full jitter, then transient', async () => {
    fake.setDefault(errorReply(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'));
    const { p, sleeps } = provider({ maxRetries: 2, baseDelayMs: 1000 });
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]); // random 0.5 × 1000·2^n
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    if (out.ok) return;
    expect(out.reason).toMatch(/^Gemini is unavailable \(503\)/);
  });

  it('a 429 asking for a longer wait than maxDelayMs is handed back with retryAfterMs', async () => {
    fake.script(errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for metric images per minute.', {
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.2s' }],
    }));
    const { p, sleeps } = provider({ maxRetries: 2, maxDelayMs: 30_000 });
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(out).toMatchObject({ ok: false, kind: 'transient', retryAfterMs: 45_200 });
    if (!out.ok) expect(out.reason).toMatch(/^Gemini is rate limiting \(429\)/);
  });

  it('the "Please retry in Ns" message is honoured when there is no RetryInfo', async () => {
    fake.script(errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded. Please retry in 1.5s.'), imageReply(png));
    const { p, sleeps } = provider();
    expect((await p.generate(request())).ok).toBe(true);
    expect(sleeps).toEqual([1500]);
  });

  it.each([
    [500, 'INTERNAL', /^Gemini had an internal error \(500\)/],
    [502, 'UNAVAILABLE', /^Gemini had a gateway error \(502\)/],
    [504, 'DEADLINE_EXCEEDED', /^Gemini timed out \(504\)/],
  ])('%i is retried, then transient', async (status, grpc, reason) => {
    fake.setDefault(errorReply(status, grpc, 'try later'));
    const { p, sleeps } = provider({ maxRetries: 1 });
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    if (!out.ok) expect(out.reason).toMatch(reason);
  });

  it('network errors are retried, then transient', async () => {
    fake.setDefault({ hangUp: true });
    const { p, sleeps } = provider({ maxRetries: 1 });
    const out = await p.generate(request());
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    if (!out.ok) expect(out.reason).toMatch(/^could not reach Gemini/);
  });

  it('a per-attempt timeout is retried, then transient', async () => {
    fake.setDefault({ ...imageReply(png), delayMs: 3000 });
    const { p } = provider({ maxRetries: 1, timeoutMs: 150 });
    const started = Date.now();
    const out = await p.generate(request());
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.requests).toHaveLength(2);
    expect(out).toEqual({ ok: false, kind: 'transient', reason: 'the Gemini request timed out' });
  });

  it('an aborted signal ends the call at once as transient, without retrying', async () => {
    fake.setDefault({ ...imageReply(png), delayMs: 5000 });
    const { p, sleeps } = provider({ maxRetries: 2 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const started = Date.now();
    const out = await p.generate(request(), ac.signal);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(out).toEqual({ ok: false, kind: 'transient', reason: 'the Gemini request was aborted' });
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('an already aborted signal makes no request', async () => {
    const ac = new AbortController();
    ac.abort();
    const out = await provider().p.generate(request(), ac.signal);
    expect(out).toMatchObject({ ok: false, kind: 'transient' });
    expect(fake.requests).toHaveLength(0);
  });
});

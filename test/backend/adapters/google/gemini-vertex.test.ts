// Gemini on Vertex AI, as cloud mode wires it (ROWSHOT_GEMINI_VERTEX=true): the real
// @google/genai client built by cloudWiring from validated config, against the local fake of
// both backends. Requests go to the project's and location's Vertex path with an OAuth token and
// never an API key, and replies are classified exactly as on the API-key path.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Client } from 'google-auth-library';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloudWiring, type GoogleClients } from '../../../../backend/src/compose-cloud';
import { loadConfig } from '../../../../backend/src/config';
import type { GenerateOutcome, ImageProvider } from '../../../../backend/src/ports/image-provider';
import { errorReply, imageReply, startGeminiFake, type GeminiFake, type ScriptedReply } from '../../../helpers/fakes/gemini-fake';
import { generateRequest } from '../../../helpers/generate-request';

const API_KEY = 'AIzaSyCONFIG-key-0123456789abcdefghijk';
const ENV_KEY = 'AIzaSyENVIRONMENT-key-0123456789abcdef';
const TOKEN = 'ya29.vertex-test-token';
const cloud = {
  ROWSHOT_MODE: 'cloud', ROWSHOT_PUBLIC_URL: 'https://rowshot.example.run.app', ROWSHOT_SIGNING_SECRET: 's'.repeat(40),
  GOOGLE_CLOUD_PROJECT: 'acme-prod', ROWSHOT_TASKS_LOCATION: 'us-central1', ROWSHOT_TASKS_SERVICE_ACCOUNT: 'tasks@acme-prod.iam.gserviceaccount.com',
  ROWSHOT_BUCKET: 'acme-rowshot', ROWSHOT_LOG_LEVEL: 'silent',
};

let fake: GeminiFake;
let png: Buffer;
let ref: Buffer;

beforeAll(async () => {
  fake = await startGeminiFake();
  png = await sharp({ create: { width: 48, height: 27, channels: 3, background: '#3366cc' } }).png().toBuffer();
  ref = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).jpeg().toBuffer();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.requests.length = 0;
  fake.setDefault(errorReply(500, 'INTERNAL', 'no scripted reply'));
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function oauthClient(): OAuth2Client {
  const c = new OAuth2Client();
  c.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  return c;
}

/** The Gemini provider of cloud mode's wiring, from these settings on top of `cloud`. */
function wiredGemini(env: Record<string, string>, gemini: GoogleClients['gemini'] = { baseUrl: fake.url, authClient: oauthClient() }): ImageProvider {
  const loaded = loadConfig({ ...cloud, ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  const provider = cloudWiring(loaded.config, { gemini }).providers.find((p) => p.name === 'gemini');
  if (!provider) throw new Error('cloud mode wired no Gemini provider');
  return provider;
}

const vertex = () => wiredGemini({ ROWSHOT_GEMINI_VERTEX: 'true', ROWSHOT_GEMINI_LOCATION: 'us-central1', ROWSHOT_IMAGE_SIZE: '2K', GEMINI_API_KEY: API_KEY });
const apiKey = () => wiredGemini({ GEMINI_API_KEY: API_KEY, ROWSHOT_IMAGE_SIZE: '2K' }, { baseUrl: fake.url });

interface SentBody {
  contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig: { responseModalities?: string[]; imageConfig?: { aspectRatio?: string; imageSize?: string } };
}

describe('Gemini on Vertex AI', () => {
  it('posts to the project and location path with a bearer token, never an API key, and the same body as the Gemini API', async () => {
    // An API key in the config and in the SDK's own environment variables must not be used.
    vi.stubEnv('GEMINI_API_KEY', ENV_KEY);
    vi.stubEnv('GOOGLE_API_KEY', ENV_KEY);
    // The SDK says which key it would pick and that project/location win over it.
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    fake.script(imageReply(png, { imageTokens: 1680 }));
    const out = await vertex().generate(generateRequest('gemini-3.1-flash-image', 'A lighthouse at dawn', {
      aspectRatio: '16:9', references: [{ data: ref, mimeType: 'image/jpeg', mode: 'style_only' }],
    }));

    expect(fake.requests).toHaveLength(1);
    const rec = fake.requests[0]!;
    expect(rec.method).toBe('POST');
    expect(rec.path).toBe('/v1beta1/projects/acme-prod/locations/us-central1/publishers/google/models/gemini-3.1-flash-image:generateContent');
    expect(rec.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(rec.headers['x-goog-api-key']).toBeUndefined();
    expect(JSON.stringify([rec.path, rec.headers])).not.toMatch(/AIza/);

    const body = rec.body as SentBody;
    expect(body.generationConfig.responseModalities).toEqual(['IMAGE', 'TEXT']);
    expect(body.generationConfig.imageConfig).toEqual({ aspectRatio: '16:9', imageSize: '2K' });
    const parts = body.contents[0]!.parts;
    expect(parts[0]!.text).toContain('A lighthouse at dawn');
    expect(parts[1]!.inlineData).toEqual({ mimeType: 'image/jpeg', data: ref.toString('base64') });

    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.image).toMatchObject({ mimeType: 'image/png', width: 48, height: 27 });
    expect(out.costUsd).toBeCloseTo(0.1008, 10);
  });

  it('uses the global location when ROWSHOT_GEMINI_LOCATION is not set', async () => {
    fake.script(imageReply(png));
    const out = await wiredGemini({ ROWSHOT_GEMINI_VERTEX: 'true' }).generate(generateRequest('gemini-2.5-flash-image', 'A cat'));
    expect(out.ok).toBe(true);
    expect(fake.requests[0]?.path).toBe('/v1beta1/projects/acme-prod/locations/global/publishers/google/models/gemini-2.5-flash-image:generateContent');
  });

  it('with the API key instead, the same wiring posts to the Gemini API with the key and no token', async () => {
    fake.script(imageReply(png));
    expect((await apiKey().generate(generateRequest('gemini-2.5-flash-image', 'A cat'))).ok).toBe(true);
    const rec = fake.requests[0]!;
    expect(rec.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
    expect(rec.headers['x-goog-api-key']).toBe(API_KEY);
    expect(rec.headers.authorization).toBeUndefined();
  });

  // Each reply, sent once to each backend: the outcomes must be the same.
  const cases: Array<[string, () => ScriptedReply[], (out: GenerateOutcome) => void]> = [
    ['a 429 asking for a short wait, then an image: retried, then DONE', () => [
      errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.', { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' }] }),
      imageReply(png),
    ], (out) => expect(out.ok && out.notes).toContain('Gemini succeeded after 1 retry')],
    ['a 429 asking for a long wait: transient, handed to the queue with the wait', () => [
      errorReply(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute.', { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45s' }] }),
    ], (out) => expect(out).toMatchObject({ ok: false, kind: 'transient', retryAfterMs: 45_000, reason: expect.stringMatching(/^Gemini is rate limiting \(429\)/) })],
    ['an image blocked by the safety filter: permanent', () => [{ body: { candidates: [{ content: { parts: [] }, finishReason: 'IMAGE_SAFETY' }] } }],
      (out) => expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'the model blocked this request (IMAGE_SAFETY)' })],
    ['a prompt blocked by the safety filter: permanent', () => [{ body: { promptFeedback: { blockReason: 'SAFETY' } } }],
      (out) => expect(out).toEqual({ ok: false, kind: 'permanent', reason: 'the model blocked this request (SAFETY)' })],
  ];
  it.each(cases)('%s, on both backends', async (_name, replies, check) => {
    const outcomes: GenerateOutcome[] = [];
    for (const provider of [vertex(), apiKey()]) {
      fake.script(...replies());
      outcomes.push(await provider.generate(generateRequest('gemini-2.5-flash-image', 'A cat')));
    }
    expect(fake.requests.map((r) => r.api)).toEqual([...replies().map(() => 'vertex'), ...replies().map(() => 'gemini')]);
    for (const out of outcomes) check(out);
    const comparable = (o: GenerateOutcome) => (o.ok ? { ok: true, notes: o.notes, costUsd: o.costUsd } : o);
    expect(comparable(outcomes[0]!)).toEqual(comparable(outcomes[1]!));
  });

  it('a 403 says that Vertex AI refused the service account, with the missing permission', async () => {
    fake.script(errorReply(403, 'PERMISSION_DENIED', "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/acme-prod/locations/us-central1/publishers/google/models/gemini-2.5-flash-image' (or it may not exist)."));
    const out = await vertex().generate(generateRequest('gemini-2.5-flash-image', 'A cat'));
    expect(out).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringMatching(/^Vertex AI refused the service's credentials \(403\): Permission 'aiplatform\.endpoints\.predict' denied/) });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('Gemini on Vertex AI through Application Default Credentials', () => {
  let metadata: Server;
  const tokenRequests: string[] = [];
  beforeAll(async () => {
    // Cloud Run's metadata server, as google-auth-library finds it (GCE_METADATA_HOST).
    metadata = createServer((req, res) => {
      res.setHeader('metadata-flavor', 'Google');
      if (req.headers['metadata-flavor'] !== 'Google') return void res.writeHead(403).end();
      if (req.url?.startsWith('/computeMetadata/v1/instance/service-accounts/default/token')) {
        tokenRequests.push(req.url);
        res.setHeader('content-type', 'application/json');
        return void res.end(JSON.stringify({ access_token: 'ya29.from-metadata', expires_in: 3599, token_type: 'Bearer' }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => metadata.close(() => resolve())));

  it('with nothing injected but the endpoint, takes its token from the metadata server', async () => {
    vi.stubEnv('GCE_METADATA_HOST', `127.0.0.1:${(metadata.address() as AddressInfo).port}`);
    vi.stubEnv('METADATA_SERVER_DETECTION', 'assume-present');
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '');
    vi.stubEnv('CLOUDSDK_CONFIG', '/nonexistent-gcloud-config');
    fake.script(imageReply(png));
    const out = await wiredGemini({ ROWSHOT_GEMINI_VERTEX: 'true' }, { baseUrl: fake.url }).generate(generateRequest('gemini-2.5-flash-image', 'A cat'));
    expect(out.ok).toBe(true);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer ya29.from-metadata');
    expect(tokenRequests).toHaveLength(1);
    expect(decodeURIComponent(tokenRequests[0]!)).toContain('scopes=https://www.googleapis.com/auth/cloud-platform');
  });
});

// ReferenceFetcher: fetches a row's Reference image link from the internet. The adapter guards
// it (https only, no private addresses after DNS and every redirect, time and size limits);
// the core checks the bytes as it checks an upload.

export type FetchOutcome =
  | { ok: true; data: Buffer; contentType: string | null; finalUrl: string }
  /** `reason`: a short phrase for a person, e.g. `HTTP 404 from example.com` (host only: a link may hold a token). */
  | { ok: false; kind: 'permanent' | 'transient'; reason: string };

export type ReferenceFetcher = (url: string, signal?: AbortSignal) => Promise<FetchOutcome>;

// Preview from the Batch sidebar: a Text default that is not a Text mode is refused naming the
// field, as a run refuses it, before anything is asked of the backend.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

describe('previewRow', () => {
  it('refuses a textDefault that is not overlay, model or none, naming it, and calls no backend', () => {
    const backend = new FakeBackend();
    const s = memoryServices({ sheets: [new MemorySheet(1, 'S', [['Prompt'], ['a fox']])], http: backend });
    configure(s);
    const before = backend.requests.length;
    const r = createApp(() => s).previewRow({ scope: 'not_done', textDefault: 'loud' as never });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'invalid_request', message: 'Cannot preview: textDefault must be one of overlay, model, none', fields: [{ field: 'textDefault', message: 'must be one of overlay, model, none' }] });
    expect(backend.requests.length).toBe(before);
  });
});

// secrets.json is written whole or not at all, and a damaged one never stops the next start.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecrets, type SecretsIo } from '../../backend/src/local-secrets';

describe('loadOrCreateSecrets', () => {
  it('sets aside a half-written secrets.json (a full disk, an older version) and starts with new secrets', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-secrets-'));
    await writeFile(path.join(dir, 'secrets.json'), '{"signingSecret":"abc","taskTo');
    const secrets = await loadOrCreateSecrets(dir);
    expect(secrets.signingSecret).toMatch(/^[\w-]{43}$/);
    expect(JSON.parse(await readFile(path.join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets);
    expect((await readdir(dir)).filter((f) => f.startsWith('secrets.json.damaged-'))).toHaveLength(1);
    // The next start reads the same ones.
    expect(await loadOrCreateSecrets(dir)).toEqual(secrets);
  });

  it('leaves no secrets.json when the disk fills mid-write, so the next start makes a whole one', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-secrets-'));
    const fullDisk: SecretsIo = {
      async writeFile(file, data, options) {
        await writeFile(file, data.slice(0, 10), { mode: options.mode, flag: options.flag });
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
      },
    };
    await expect(loadOrCreateSecrets(dir, fullDisk)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(dir)).toEqual([]);
    const secrets = await loadOrCreateSecrets(dir);
    expect(JSON.parse(await readFile(path.join(dir, 'secrets.json'), 'utf8'))).toEqual(secrets);
  });
});

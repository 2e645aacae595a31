// The embedded default needs no credentials: on first start it makes its own signing secret,
// task token and a development API key, kept in the data directory (mode 0600).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface LocalSecrets {
  signingSecret: string;
  taskToken: string;
}

export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  const secrets: LocalSecrets = { signingSecret: randomBytes(32).toString('base64url'), taskToken: randomBytes(32).toString('base64url') };
  try {
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
    return secrets;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(await readFile(file, 'utf8')) as LocalSecrets;
    throw err;
  }
}

export const devKeyPath = (dataDir: string): string => path.join(path.resolve(dataDir), 'dev-api-key');

// The embedded default needs no credentials: on first start it makes its own signing secret,
// task token and a development API key, kept in the data directory (mode 0600). Each file
// appears only complete (written to a temp file, then linked or renamed into place), and one
// left half-written by an older version on a full disk is set aside, never a start that fails.
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface LocalSecrets {
  signingSecret: string;
  taskToken: string;
}

/** The fs calls that write (tests inject a full disk here). */
export interface SecretsIo {
  writeFile(file: string, data: string, options: { mode: number; flag: string; flush: boolean }): Promise<void>;
}
const nodeIo: SecretsIo = { writeFile: (file, data, options) => writeFile(file, data, options) };

type ReadResult = { ok: true; secrets: LocalSecrets } | { ok: false; missing: boolean };

async function readSecrets(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, missing: true };
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LocalSecrets>;
    if (typeof v.signingSecret === 'string' && v.signingSecret !== '' && typeof v.taskToken === 'string' && v.taskToken !== '') {
      return { ok: true, secrets: { signingSecret: v.signingSecret, taskToken: v.taskToken } };
    }
  } catch {
    // fall through: not complete JSON
  }
  return { ok: false, missing: false };
}

export async function loadOrCreateSecrets(dataDir: string, io: SecretsIo = nodeIo): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  const found = await readSecrets(file);
  if (found.ok) return found.secrets;
  // Kept for inspection; new secrets only cost links signed with the old one.
  if (!found.missing) await rename(file, `${file}.damaged-${Date.now()}`);
  await mkdir(dataDir, { recursive: true });
  const secrets: LocalSecrets = { signingSecret: randomBytes(32).toString('base64url'), taskToken: randomBytes(32).toString('base64url') };
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await io.writeFile(tmp, JSON.stringify(secrets), { mode: 0o600, flag: 'wx', flush: true });
    // link() fails if the name exists: another process that started at the same time won.
    await link(tmp, file);
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = await readSecrets(file);
      if (theirs.ok) return theirs.secrets;
    }
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Writes a small file whole or not at all (temp file, then rename), mode 0600. */
export async function writeFileWhole(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data, { mode: 0o600, flag: 'wx', flush: true });
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

export const devKeyPath = (dataDir: string): string => path.join(path.resolve(dataDir), 'dev-api-key');

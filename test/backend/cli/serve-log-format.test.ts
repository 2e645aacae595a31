import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logFormat, readableLine } from '../../../backend/src/http/log-lines';
import { startCli } from '../../helpers/cli';

async function listeningLine(args: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-serve-log-'));
  const { child, done } = startCli(['serve', ...args], { ROWSHOT_DATA_DIR: dir, PORT: '0' }, dir);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 600 && !/listening on[^\n]*\n/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  await done;
  return out.split('\n').find((l) => l.includes('listening on')) ?? '';
}

describe('rowshot serve log lines', () => {
  it('prints readable lines with --log-format text, JSON when not a terminal', async () => {
    const text = await listeningLine(['--log-format', 'text']);
    expect(text).toMatch(/^\d\d:\d\d:\d\d {2}INFO {2}Rowshot is listening on http:\/\/[\w.]+:\d+; the development API key is in .+ {2}url=http/);
    const json = await listeningLine([]);
    expect(JSON.parse(json)).toMatchObject({ severity: 'INFO', message: expect.stringMatching(/^Rowshot is listening on/) });
  }, 60_000);

  it('formats an event and picks text only on a terminal unless told', () => {
    expect(readableLine('{"severity":"WARNING","time":"2026-12-03T12:04:31.000Z","message":"sheet write failed","batchId":"b_1","rows":3,"reason":"quota hit"}'))
      .toBe('12:04:31  WARNING  sheet write failed  batchId=b_1  rows=3  reason="quota hit"\n');
    expect(logFormat(undefined, true)).toBe('text');
    expect(logFormat(undefined, false)).toBe('json');
    expect(logFormat('json', true)).toBe('json');
  });
});

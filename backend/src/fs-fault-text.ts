// A file-system error at start-up or in the CLI as the one line a person can act on: what is
// full or read-only, and where. Null for errors that are not about the disk.
const WHAT: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the file is immutable or not permitted',
};

export function fsFaultText(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | undefined;
  const what = typeof e?.code === 'string' ? WHAT[e.code] : undefined;
  if (what === undefined) return null;
  const where = e?.path ? ` (${e.syscall ?? 'writing'} ${e.path})` : '';
  const fix = e?.code === 'ENOSPC' || e?.code === 'EDQUOT' ? 'free some space' : 'make it writable or set ROWSHOT_DATA_DIR to a writable folder';
  return `${what}${where}: ${fix}, then run the same command again`;
}

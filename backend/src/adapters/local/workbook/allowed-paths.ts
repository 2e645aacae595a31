// Keeps a server's file writes inside the folders it was configured with. Paths are compared
// after resolving `..` and symlinks (for a path that does not exist yet: its nearest existing
// ancestor), so neither `roots/../etc` nor a symlink inside a root pointing out of it passes.
import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** The real path of `p`, resolving symlinks as far as the path exists. */
export async function realpathLoose(p: string): Promise<string> {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let current = abs;
  for (;;) {
    try {
      const real = await realpath(current);
      return rest.length === 0 ? real : path.join(real, ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(current);
      if (parent === current) return abs;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

export class AllowedRoots {
  /** An empty list allows nothing. */
  constructor(private readonly roots: readonly string[]) {}

  /**
   * The real path of `p` when it is inside a root, else null. Roots are resolved on every
   * call (a few syscalls), so a root created or re-pointed after start-up is seen as it is.
   */
  async resolve(p: string): Promise<string | null> {
    const real = await realpathLoose(p);
    const roots = await Promise.all(this.roots.map((r) => realpathLoose(r)));
    return roots.some((root) => isInside(root, real)) ? real : null;
  }
}

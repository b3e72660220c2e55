import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', 'dist', 'build', 'coverage']);

export class PathNotFoundError extends Error {}

const collator = new Intl.Collator('en', { numeric: true });
/** Numeric-aware path order: V2__ before V10__, the order migration tools run files in. */
export function comparePaths(a: string, b: string): number {
  return collator.compare(a, b);
}

/**
 * Expands the given paths: files are taken as given; directories are walked recursively for files
 * whose name ends with one of `extensions`. Throws PathNotFoundError for a path that does not exist.
 */
export function discoverFiles(paths: string[], extensions: readonly string[]): string[] {
  const out: string[] = [];
  const matches = (name: string) => {
    const lower = name.toLowerCase();
    return extensions.some((e) => lower.endsWith(e)) && !lower.endsWith('.d.ts');
  };
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      out.push(dir); // reported as unreadable when read
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p);
      } else if ((e.isFile() || e.isSymbolicLink()) && matches(e.name)) out.push(p); // not FIFOs or sockets: reading one would block
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new PathNotFoundError(p);
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return [...new Set(out)].sort(comparePaths);
}

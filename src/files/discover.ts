import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, parse, relative, resolve } from 'node:path';
import { compileGlob, globBase, hasGlobMagic } from './glob.js';

/** Directories a walk never enters (tools, VCS, build output). */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.venv',
  'venv',
  'dist',
  'build',
  'coverage',
]);

export class PathNotFoundError extends Error {}

// Made on first use: creating an ICU collator is a noticeable part of a one-file run's start-up.
let collator: Intl.Collator | undefined;
/** Numeric-aware path order: V2__ before V10__, the order migration tools run files in. */
export function comparePaths(a: string, b: string): number {
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b);
}

/** Splits a path into text and runs of ASCII digits: the runs at the odd indexes. */
const DIGIT_RUNS = /([0-9]+)/;
const NOT_ASCII = /[^ -~]/; // outside printable ASCII (a path with a control character goes to the collator too)
/** Runs of digits longer than this are left to the collator (ICU splits very long ones). */
const MAX_RUN = 30;

/**
 * Whether a path comes before the next by the number they first differ in: ASCII paths alike up to a
 * run of digits whose values differ (`…/0009_x.sql`, `…/0010_y.sql`; `V10__a`, `V100__b`). The numeric
 * collation weighs such a run by its value, and the text before it is the same in both, so the pair
 * is ordered by the values whatever follows. `a` and `b` are the paths split by DIGIT_RUNS.
 */
function beforeByNumber(a: readonly string[], b: readonly string[]): boolean {
  let k = 0;
  while (k < a.length && k < b.length && a[k] === b[k]) k++;
  // alike up to a text, or one ends where the other goes on: the collator decides
  if (k % 2 === 0 || k >= a.length || k >= b.length) return false;
  const x = a[k]!.replace(/^0+/, '');
  const y = b[k]!.replace(/^0+/, '');
  if (x.length > MAX_RUN || y.length > MAX_RUN) return false;
  return x.length < y.length || (x.length === y.length && x < y);
}

/** Whether each path comes before the next by the number they first differ in (see beforeByNumber). */
export function inNumberOrder(paths: readonly string[]): boolean {
  // (native string operations only: this runs once per run, before the JIT has warmed up)
  let previous: string[] | undefined;
  for (const path of paths) {
    // a non-ASCII digit continues a run for the collator
    if (NOT_ASCII.test(path)) return false;
    const split = path.split(DIGIT_RUNS);
    if (previous && !beforeByNumber(previous, split)) return false;
    previous = split;
  }
  return true;
}

/**
 * Sorts paths in comparePaths order. Paths already in that order by their numbers (the usual migration
 * names, listed in order by a shell glob or a directory walk) are left as they are, without creating
 * the collator — a noticeable part of an unchanged run (`--cache`).
 */
export function sortPaths(paths: string[]): string[] {
  return inNumberOrder(paths) ? paths : paths.sort(comparePaths);
}

/** Whether a file name is one a directory walk picks up: it ends with one of `extensions` (type declarations excepted). */
export function hasMigrationExtension(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.some((e) => lower.endsWith(e)) && !lower.endsWith('.d.ts');
}

/** A directory's files whose name ends with one of `extensions`, recursively (tool and VCS directories skipped). */
function walkDirectory(root: string, extensions: readonly string[], out: string[]): void {
  const matches = (name: string) => hasMigrationExtension(name, extensions);
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
  walk(root);
}

/**
 * Expands the given paths: files are taken as given; directories are walked recursively for files
 * whose name ends with one of `extensions`. Throws PathNotFoundError for a path that does not exist.
 */
export function discoverFiles(paths: string[], extensions: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new PathNotFoundError(p);
    }
    if (st.isDirectory()) walkDirectory(p, extensions, out);
    else out.push(p);
  }
  return sortPaths([...new Set(out)]);
}

/** What one command-line path argument named, and the files it gave. */
export interface ExpandedArgument {
  argument: string;
  kind: 'file' | 'directory' | 'pattern';
  files: string[];
}

/**
 * One command-line argument: an existing file or directory (as `discoverFiles`), else a glob pattern
 * (`'db/migrations/*.sql'`, quoted so the shell leaves it alone) matched against the files under its fixed
 * leading directories, relative to `cwd`; a pattern that matches a directory covers its files. An
 * existing path wins over a pattern (a file may be named `[id].sql`). Throws PathNotFoundError
 * for a path that is neither.
 */
export function expandArgument(argument: string, cwd: string, extensions: readonly string[]): ExpandedArgument {
  const path = resolve(cwd, argument);
  let st;
  try {
    st = statSync(path);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) return { argument, kind: 'directory', files: discoverFiles([path], extensions) };
  if (st) return { argument, kind: 'file', files: [path] };
  if (!hasGlobMagic(argument)) throw new PathNotFoundError(path);
  const root = isAbsolute(argument) ? parse(argument).root : cwd;
  const pattern = isAbsolute(argument) ? argument.slice(root.length) : argument;
  const glob = compileGlob(pattern, { anyDepth: false });
  const base = join(root, globBase(pattern));
  const candidates: string[] = [];
  try {
    if (statSync(base).isDirectory()) walkDirectory(base, extensions, candidates);
  } catch {
    // the fixed part does not exist: the pattern matches nothing
  }
  const files = candidates.filter((f) => glob.test(relative(root, f).split('\\').join('/')));
  return { argument, kind: 'pattern', files: sortPaths(files) };
}

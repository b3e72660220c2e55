import { opendirSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, parse, relative, resolve } from 'node:path';
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

const isDigit = (c: number) => c >= 48 && c <= 57;
/** Runs of digits longer than this are left to the collator (ICU splits very long ones). */
const MAX_RUN = 30;

/**
 * Whether `a` comes before `b` by the number they first differ in: ASCII paths alike up to a run of
 * digits whose values differ (`…/0009_x.sql`, `…/0010_y.sql`; `V10__a`, `V100__b`). The numeric collation weighs such a run
 * by its value, and the text before it is the same in both, so the pair is ordered by the values
 * whatever follows. False when that does not decide the pair (the collator must).
 */
function beforeByNumber(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length && i === b.length) return false;
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  // the first difference is in a run of digits of both (`9_` and `10`, `10_` and `100`)
  const digitAt = (s: string) => i < s.length && isDigit(s.charCodeAt(i));
  if (start === i ? !digitAt(a) || !digitAt(b) : !digitAt(a) && !digitAt(b)) return false;
  for (const s of [a, b]) for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 0x7f) return false;
  const digits = (s: string) => {
    let end = start;
    while (end < s.length && isDigit(s.charCodeAt(end))) end++;
    return end - start > MAX_RUN ? undefined : s.slice(start, end).replace(/^0+/, '');
  };
  const x = digits(a);
  const y = digits(b);
  if (x === undefined || y === undefined) return false;
  return x.length < y.length || (x.length === y.length && x < y);
}

/** Whether each path comes before the next by the number they first differ in (see beforeByNumber). */
export function inNumberOrder(paths: readonly string[]): boolean {
  for (let k = 1; k < paths.length; k++) if (!beforeByNumber(paths[k - 1]!, paths[k]!)) return false;
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

/** What a path is, as far as choosing how to expand it goes. */
export type PathKind = 'file' | 'directory';

/** Below this many named paths in one directory, each is stat'ed; from it on, the directory is listed. */
const LIST_FROM = 32;
/** A listing reads at most this many entries per named path (a huge directory is not read whole for a few). */
const ENTRIES_PER_PATH = 16;

/**
 * The kinds of many absolute paths at once (a hook or a shell glob names every migration file): one
 * listing of each directory that holds many of them, instead of a stat each. A path the listings do
 * not settle (a symbolic link, a name the listing spells otherwise, a directory listed only in part)
 * is left out: its caller stats it.
 */
export function kindsOfPaths(paths: readonly string[]): Map<string, PathKind> {
  const named = new Map<string, Set<string>>();
  for (const p of paths) {
    const dir = dirname(p);
    let names = named.get(dir);
    if (!names) named.set(dir, (names = new Set()));
    names.add(basename(p));
  }
  const kinds = new Map<string, PathKind>();
  for (const [dir, names] of named) {
    if (names.size < LIST_FROM) continue;
    let listing;
    try {
      listing = opendirSync(dir, { bufferSize: 1024 });
    } catch {
      continue;
    }
    try {
      for (let read = 0, left = names.size; left > 0 && read < names.size * ENTRIES_PER_PATH; read++) {
        const e = listing.readSync();
        if (!e) break;
        if (!names.has(e.name) || e.isSymbolicLink()) continue;
        // as a stat: anything but a directory is a file here (reading refuses FIFOs and devices)
        kinds.set(join(dir, e.name), e.isDirectory() ? 'directory' : 'file');
        left--;
      }
    } catch {
      // unreadable midway: the rest are stat'ed
    } finally {
      listing.closeSync();
    }
  }
  return kinds;
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
 * for a path that is neither. `kinds` (kindsOfPaths) spares the stat of the paths it knows.
 */
export function expandArgument(
  argument: string,
  cwd: string,
  extensions: readonly string[],
  kinds?: ReadonlyMap<string, PathKind>,
): ExpandedArgument {
  const path = resolve(cwd, argument);
  let kind = kinds?.get(path);
  if (kind === undefined) {
    try {
      kind = statSync(path).isDirectory() ? 'directory' : 'file';
    } catch {
      // not an existing path: a pattern
    }
  }
  if (kind === 'directory') return { argument, kind, files: discoverFiles([path], extensions) };
  if (kind === 'file') return { argument, kind, files: [path] };
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

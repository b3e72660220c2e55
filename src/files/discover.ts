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
  return [...new Set(out)].sort(comparePaths);
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
  return { argument, kind: 'pattern', files: files.sort(comparePaths) };
}

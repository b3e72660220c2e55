/**
 * Glob patterns: the config's `include`/`exclude`, patterns on the command line and in the Action's
 * `paths`, all matched by minimatch (v11 matches without backtracking regular expressions, so a
 * hostile pattern such as `****************!` costs linear time, not seconds per path).
 *
 * - `*` matches within one path segment, `**` any number of segments, `?` one character,
 *   `[abc]`/`[a-z]`/`[!a]` a character class, `{a,b}` alternatives. Dot files match like any other.
 * - A pattern that matches a directory matches everything under it (`db/migrations`).
 * - Config patterns without a `/` match a name at any depth (`*.down.sql`), as in .gitignore;
 *   command-line patterns are relative to the working directory, as a shell would expand them.
 */
import { Minimatch, type MinimatchOptions } from 'minimatch';

export class GlobSyntaxError extends Error {}

const OPTIONS: MinimatchOptions = {
  dot: true,
  nocomment: true,
  nonegate: true,
  // Extglobs (`+(a|b)`) are not part of the documented syntax: `(` and `|` stay literal.
  noext: true,
  // `\` separates path segments (Windows users write them), it never escapes.
  windowsPathsNoEscape: true,
  // `{a,b}{a,b}…` multiplies; a config file from a pull request must not make millions of patterns.
  braceExpandMax: 1000,
};

export interface Glob {
  pattern: string;
  test(relativePath: string): boolean;
}

/** Characters that make an argument a pattern rather than a path. */
export function hasGlobMagic(s: string): boolean {
  return /[*?[\]{}]/.test(s);
}

/** Longer patterns are not globs anyone writes (minimatch itself stops at 64 KiB). */
const MAX_PATTERN_LENGTH = 10_000;
/** Brace groups multiply and their expansion costs time even when capped; real globs have one or two. */
const MAX_BRACE_GROUPS = 16;

/**
 * minimatch reads an unclosed `[` or `{` as literal text; in a migration path that is a typo. Limits
 * keep a hostile config from a pull request cheap to compile.
 */
function checkSyntax(pattern: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new GlobSyntaxError(`longer than ${MAX_PATTERN_LENGTH.toLocaleString('en')} characters`);
  let braces = 0;
  let groups = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') {
      // `]` right after `[` or `[!` is a member of the class, not its end (POSIX).
      const start = pattern[i + 1] === '!' || pattern[i + 1] === '^' ? i + 2 : i + 1;
      const close = pattern.indexOf(']', start + 1);
      if (close === -1) throw new GlobSyntaxError(`unclosed "[" in "${pattern}"`);
      i = close;
    } else if (c === '{') {
      braces++;
      if (++groups > MAX_BRACE_GROUPS)
        throw new GlobSyntaxError(`more than ${MAX_BRACE_GROUPS} {…} groups in one pattern`);
    } else if (c === '}' && braces > 0) braces--;
  }
  if (braces > 0) throw new GlobSyntaxError(`unclosed "{" in "${pattern}"`);
}

function normalize(pattern: string): string {
  let p = pattern.trim().replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  if (p.startsWith('/')) p = p.slice(1);
  while (p.endsWith('/') && p.length > 1) p = p.slice(0, -1);
  return p;
}

/**
 * Compiles a pattern. `anyDepth`: a pattern without `/` matches a name at any depth (config files,
 * like .gitignore); off for command-line patterns, which are anchored at the working directory.
 */
export function compileGlob(pattern: string, { anyDepth = true }: { anyDepth?: boolean } = {}): Glob {
  const p = normalize(pattern);
  checkSyntax(p);
  const base = anyDepth && !p.includes('/') ? `**/${p}` : p;
  // The path itself, or a directory above it (a directory pattern covers its files).
  let matchers: Minimatch[];
  try {
    matchers = [new Minimatch(base, OPTIONS), new Minimatch(`${base}/**`, OPTIONS)];
  } catch (e) {
    throw new GlobSyntaxError(`cannot read "${pattern}": ${(e as Error).message}`);
  }
  return { pattern, test: (path) => matchers.some((m) => m.match(path.replace(/\\/g, '/'))) };
}

/** Include/exclude filter: a file passes when it matches some `include` (or there are none) and no `exclude`. */
export function fileFilter(include: readonly string[], exclude: readonly string[]): (relativePath: string) => boolean {
  const inc = include.map((g) => compileGlob(g));
  const exc = exclude.map((g) => compileGlob(g));
  return (path) => {
    if (inc.length && !inc.some((g) => g.test(path))) return false;
    return !exc.some((g) => g.test(path));
  };
}

/** The fixed leading directories of a pattern (`db/migrations` for `db/migrations/*.sql`), where a walk starts. */
export function globBase(pattern: string): string {
  const fixed: string[] = [];
  for (const segment of normalize(pattern).split('/')) {
    if (hasGlobMagic(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}

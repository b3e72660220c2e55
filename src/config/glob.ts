/**
 * The `include`/`exclude` glob patterns of the config file, matched against paths relative to the
 * directory of the config file, with `/` separators.
 *
 * - `*` matches within one path segment, `**` any number of segments, `?` one character,
 *   `[abc]`/`[a-z]`/`[!a]` a character class, `{a,b}` alternatives.
 * - A pattern without a `/` matches a name at any depth (`*.down.sql`), as in .gitignore.
 * - A pattern that matches a directory matches everything under it (`db/migrations`).
 */

export class GlobSyntaxError extends Error {}

function segmentToRegex(pattern: string, from: number, stopAt: string): { source: string; end: number } {
  let out = '';
  let i = from;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (stopAt.includes(c)) break;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` = zero or more directories; a trailing `**` = anything below
        const afterStars = i + 2;
        const atSegmentStart = i === 0 || pattern[i - 1] === '/';
        if (atSegmentStart && pattern[afterStars] === '/') {
          out += '(?:[^/]+/)*';
          i = afterStars + 1;
          continue;
        }
        if (atSegmentStart && afterStars === pattern.length) {
          out += '.*';
          i = afterStars;
          continue;
        }
        out += '[^/]*';
        i = afterStars;
        continue;
      }
      out += '[^/]*';
      i++;
    } else if (c === '?') {
      out += '[^/]';
      i++;
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) throw new GlobSyntaxError(`unclosed "[" in "${pattern}"`);
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!')) body = '^' + body.slice(1);
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close + 1;
    } else if (c === '{') {
      const alternatives: string[] = [];
      let j = i + 1;
      for (;;) {
        const part = segmentToRegex(pattern, j, ',}');
        alternatives.push(part.source);
        j = part.end;
        if (pattern[j] === ',') j++;
        else if (pattern[j] === '}') break;
        else throw new GlobSyntaxError(`unclosed "{" in "${pattern}"`);
      }
      out += `(?:${alternatives.join('|')})`;
      i = j + 1;
    } else {
      out += c.replace(/[.+^$()|\\]/g, '\\$&');
      i++;
    }
  }
  return { source: out, end: i };
}

export interface Glob {
  pattern: string;
  test(relativePath: string): boolean;
}

export function compileGlob(pattern: string): Glob {
  let p = pattern.trim().replace(/\\/g, '/');
  if (p.startsWith('./')) p = p.slice(2);
  const anchored = p.includes('/') && !/^\*\*\/[^/]*$/.test(p);
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) p = p.slice(0, -1);
  const { source, end } = segmentToRegex(p, 0, '');
  if (end !== p.length) throw new GlobSyntaxError(`cannot read "${pattern}"`);
  // Match the path itself or one of its parent directories (a directory pattern covers its files).
  const regex = new RegExp(`^${anchored ? '' : '(?:[^/]+/)*'}${source}(?:/.*)?$`);
  return { pattern, test: (path) => regex.test(path) };
}

/** Include/exclude filter: a file passes when it matches some `include` (or there are none) and no `exclude`. */
export function fileFilter(include: readonly string[], exclude: readonly string[]): (relativePath: string) => boolean {
  const inc = include.map(compileGlob);
  const exc = exclude.map(compileGlob);
  return (path) => {
    const p = path.replace(/\\/g, '/');
    if (inc.length && !inc.some((g) => g.test(p))) return false;
    return !exc.some((g) => g.test(p));
  };
}

/**
 * Where a source statement that starts on a given line ends, in TypeScript/JavaScript and Python
 * migrations: brackets are balanced (outside strings and comments), method chains continued on the
 * next line (`.alterTable(…)`) and Python blocks (`with op.batch_alter_table(…) as b:` and its
 * indented body) belong to the statement. SQL statements need none of this: the parser gives their
 * exact extent.
 */

type Language = 'script' | 'python';

export function languageOf(file: string): Language | undefined {
  const lower = file.toLowerCase();
  if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(lower)) return 'script';
  if (lower.endsWith('.py')) return 'python';
  return undefined;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);

/** The last line (1-based) of the statement starting on `start`. */
export function statementEnd(lines: readonly string[], start: number, language: Language): number {
  let depth = 0;
  let quote: string | undefined; // the closing delimiter of the string we are in
  let blockComment = false;
  let line = start;
  for (; line <= lines.length; line++) {
    const text = lines[line - 1]!;
    let lastCode = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (blockComment) {
        if (c === '*' && text[i + 1] === '/') {
          blockComment = false;
          i++;
        }
        continue;
      }
      if (quote) {
        if (c === '\\') i++;
        else if (text.startsWith(quote, i)) {
          i += quote.length - 1;
          quote = undefined;
        }
        continue;
      }
      if (language === 'python' && c === '#') break;
      if (language === 'script' && c === '/' && text[i + 1] === '/') break;
      if (language === 'script' && c === '/' && text[i + 1] === '*') {
        blockComment = true;
        i++;
        continue;
      }
      if (language === 'python' && (text.startsWith('"""', i) || text.startsWith("'''", i))) {
        quote = text.slice(i, i + 3);
        i += 2;
        lastCode = c;
        continue;
      }
      if (c === '"' || c === "'" || c === '`') {
        quote = c;
        lastCode = c;
        continue;
      }
      if (OPEN.has(c)) depth++;
      else if (CLOSE.has(c)) depth--;
      if (!/\s/.test(c)) lastCode = c;
    }
    // Single-quoted strings end at the line end (an unterminated one is a syntax error anyway);
    // template literals and triple-quoted strings carry on.
    if (quote === '"' || quote === "'") quote = undefined;
    if (quote || blockComment || depth > 0) continue;
    if (language === 'python' && /\\\s*$/.test(text)) continue;
    if (language === 'script' && /[=,+\-*/&|?:(>]$/.test(lastCode) && lastCode !== '') continue;
    const next = nextCodeLine(lines, line, language);
    if (language === 'script' && next !== undefined && /^\s*(?:\?\.|\.(?!\.\.))/.test(lines[next - 1]!)) {
      line = next - 1; // the loop's increment moves to the chained line
      continue;
    }
    if (language === 'python' && lastCode === ':') return pythonBlockEnd(lines, start, line);
    return line;
  }
  return lines.length;
}

/** The next line with code on it (not blank, not only a comment). */
function nextCodeLine(lines: readonly string[], after: number, language: Language): number | undefined {
  const comment = language === 'python' ? /^#/ : /^(?:\/\/|\/\*|\*)/;
  for (let l = after + 1; l <= lines.length; l++) {
    const text = lines[l - 1]!.trim();
    if (text !== '' && !comment.test(text)) return l;
  }
  return undefined;
}

function indentOf(text: string): number {
  return /^[ \t]*/.exec(text)![0].replace(/\t/g, '    ').length;
}

/** The last line of the indented block after a Python compound statement's header. */
function pythonBlockEnd(lines: readonly string[], start: number, headerEnd: number): number {
  const base = indentOf(lines[start - 1]!);
  let end = headerEnd;
  for (let l = headerEnd + 1; l <= lines.length; l++) {
    const text = lines[l - 1]!;
    if (text.trim() === '') continue;
    if (indentOf(text) <= base) break;
    end = l;
  }
  return end;
}

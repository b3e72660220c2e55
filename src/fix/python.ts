/**
 * Fixes in Alembic revision files, by lines (an op call is one statement the parser already
 * delimited): `postgresql_concurrently=True` (or CONCURRENTLY in `op.execute`'s SQL) inside
 * `with op.get_context().autocommit_block():`, and `op.execute("SET lock_timeout …")` as the first
 * statement of `upgrade()` / `downgrade()`.
 */
import type { Finding } from '../engine/types.js';
import type { LineRange } from '../suppressions/apply.js';
import {
  embeddedConcurrently,
  findingOffsets,
  keywordInsertion,
  LOCK_TIMEOUT,
  offsetAt,
  type TextFix,
} from './edits.js';

const indentOf = (line: string) => /^[ \t]*/.exec(line)?.[0] ?? '';

/** The statement is already in an `autocommit_block()`: the nearest less-indented line above opens it. */
function inAutocommitBlock(lines: readonly string[], line: number): boolean {
  const own = indentOf(lines[line - 1] ?? '').length;
  for (let l = line - 1; l >= 1; l--) {
    const text = lines[l - 1] ?? '';
    if (!text.trim() || text.trim().startsWith('#')) continue;
    if (indentOf(text).length < own) return /^\s*with\b.*\bautocommit_block\s*\(\s*\)/.test(text);
  }
  return false;
}

/** `postgresql_concurrently=True` as the last argument of the call that ends at `close` (its `)`). */
function concurrentlyArgument(text: string, close: number): { at: number; text: string } | undefined {
  if (text[close] !== ')') return undefined;
  let prev = close - 1;
  while (prev >= 0 && /\s/.test(text.charAt(prev))) prev--;
  if (text[prev] !== ',') return { at: close, text: ', postgresql_concurrently=True' };
  if (!text.slice(prev, close).includes('\n')) return { at: close, text: ' postgresql_concurrently=True' };
  // one argument per line, trailing comma: a line of its own with the arguments' indentation
  const argLine = text.lastIndexOf('\n', prev) + 1;
  const closeLine = text.lastIndexOf('\n', close) + 1;
  return { at: closeLine, text: `${indentOf(text.slice(argLine))}postgresql_concurrently=True,\n` };
}

export function pythonConcurrentIndex(
  finding: Finding,
  text: string,
  statements: readonly LineRange[],
  creation: boolean,
): TextFix[] {
  const lines = text.split('\n');
  const containing = statements.filter((s) => s.line <= finding.line && finding.line <= s.endLine);
  const first = containing.length ? Math.min(...containing.map((s) => s.line)) : finding.line;
  const last = containing.length ? Math.max(...containing.map((s) => s.endLine)) : finding.endLine;
  if (first < 1 || last > lines.length) return [];
  const keyword = creation
    ? embeddedConcurrently(finding, text)
    : keywordInsertion(finding, text, /\bDROP\s+INDEX\b(?!\s+CONCURRENTLY\b)/iy, ' CONCURRENTLY', '');
  let change: { at: number; text: string } | undefined;
  if (keyword) change = { at: offsetAt(text, keyword.line, keyword.character + 1), text: keyword.text };
  else {
    const { start, end } = findingOffsets(finding, text);
    const call = text.slice(start, end);
    const builder = creation ? /^op\.create_index\s*\(/ : /^op\.drop_index\s*\(/;
    if (!builder.test(call) || /\bpostgresql_concurrently\s*=/.test(call)) return [];
    change = concurrentlyArgument(text, end - 1);
  }
  if (!change) return [];
  const regionStart = offsetAt(text, first, 1);
  const regionEnd = offsetAt(text, last, 1) + (lines[last - 1] ?? '').length;
  const rel = change.at - regionStart;
  if (rel < 0 || rel > regionEnd - regionStart) return [];
  const region = text.slice(regionStart, regionEnd);
  const changed = region.slice(0, rel) + change.text + region.slice(rel);
  const verb = creation ? 'Create' : 'Drop';
  if (inAutocommitBlock(lines, first))
    return [
      { title: `${verb} the index CONCURRENTLY`, edits: [{ start: regionStart, end: regionEnd, text: changed }] },
    ];
  const indent = indentOf(lines[first - 1] ?? '');
  const wrapped =
    `${indent}with op.get_context().autocommit_block():\n` +
    changed
      .split('\n')
      .map((l) => (l.trim() ? `    ${l}` : l))
      .join('\n');
  return [
    {
      title: `${verb} the index CONCURRENTLY, in an autocommit block`,
      edits: [{ start: regionStart, end: regionEnd, text: wrapped }],
    },
  ];
}

/** `op.execute("SET lock_timeout = '2s'")` as the first statement of the direction's function (after a docstring). */
export function pythonLockTimeout(finding: Finding, text: string, inTransaction: boolean): TextFix[] {
  if (!/^\s*from\s+alembic\s+import\s+(?:.*\b)?op\b/m.test(text)) return [];
  const name = finding.direction === 'upgrade' ? 'upgrade' : 'downgrade';
  const def = new RegExp(`^[ \\t]*def ${name}\\s*\\([^)]*\\)[^:\\n]*:[ \\t]*(?:#.*)?$`, 'm').exec(text);
  if (!def) return [];
  const lines = text.split('\n');
  let line = text.slice(0, def.index).split('\n').length + 1;
  while (line <= lines.length && (!(lines[line - 1] ?? '').trim() || (lines[line - 1] ?? '').trim().startsWith('#')))
    line++;
  if (line > lines.length) return [];
  const indent = indentOf(lines[line - 1] ?? '');
  if (indent.length <= indentOf(def[0]).length) return [];
  // a docstring stays the function's first statement
  const doc = /^[ \t]*[rRuU]?("""|''')/.exec(lines[line - 1] ?? '');
  if (doc) {
    const quote = doc[1] ?? '"""';
    const rest = (lines[line - 1] ?? '').slice(doc[0].length);
    if (!rest.includes(quote)) {
      line++;
      while (line <= lines.length && !(lines[line - 1] ?? '').includes(quote)) line++;
    }
    line++;
    while (line <= lines.length && !(lines[line - 1] ?? '').trim()) line++;
    if (line > lines.length || indentOf(lines[line - 1] ?? '') !== indent) return [];
  }
  const at = offsetAt(text, line, 1);
  return [
    {
      title: `Set lock_timeout = ${LOCK_TIMEOUT} at the start of ${name}()`,
      edits: [
        {
          start: at,
          end: at,
          text: `${indent}op.execute("SET${inTransaction ? ' LOCAL' : ''} lock_timeout = ${LOCK_TIMEOUT}")\n`,
        },
      ],
    },
  ];
}

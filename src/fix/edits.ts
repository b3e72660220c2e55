/**
 * Text edits for a finding: a suppression comment in the file's own comment syntax, and the
 * mechanical rewrites. Each is only a candidate: the language server and `--fix` re-lint the edited
 * migration set and keep the edit only when the finding is gone and nothing new appears.
 */
import type { Finding } from '../engine/types.js';
import type { LineRange } from '../suppressions/apply.js';

/** An insertion at a 1-based line and 0-based character offset. */
export interface Insertion {
  line: number;
  character: number;
  text: string;
  /** What the code action is called in the editor. */
  title: string;
}

/** A replacement of `text[start, end)` (offsets into the file text). */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

/** One code action / one rewrite: its edits go together. */
export interface TextFix {
  title: string;
  edits: OffsetEdit[];
}

/** An insertion at a 1-based line and 0-based character as an offset edit. */
export function insertionEdit(text: string, insertion: Pick<Insertion, 'line' | 'character' | 'text'>): OffsetEdit {
  const at = offsetAt(text, insertion.line, insertion.character + 1);
  return { start: at, end: at, text: insertion.text };
}

/** The span of a finding as offsets. */
export function findingOffsets(finding: Finding, text: string): { start: number; end: number } {
  const start = offsetAt(text, finding.line, finding.column);
  return { start, end: Math.max(start, offsetAt(text, finding.endLine, finding.endColumn)) };
}

/** The reason the author must fill in: a suppression without a reason is itself a finding. */
export const REASON_PLACEHOLDER = '<reason>';

/** `-- migration-lint-disable-next-line rule -- <reason>` in the comment syntax directives.ts reads for this file type. */
export function suppressionDirective(file: string, rule: string): string {
  const lower = file.toLowerCase();
  if (lower.endsWith('.py')) return `# migration-lint: disable=${rule} -- ${REASON_PLACEHOLDER}`;
  if (/\.(?:[cm]?[jt]s|[jt]sx)$/.test(lower))
    return `// migration-lint-disable-next-line ${rule} -- ${REASON_PLACEHOLDER}`;
  return `-- migration-lint-disable-next-line ${rule} -- ${REASON_PLACEHOLDER}`;
}

/**
 * Where a next-line directive for `finding` can go, best first: above the first line of the
 * statement it is in (a directive covers the statement starting on the next code line), else above
 * the finding's own line; in a code file, last, a SQL `--` directive above the finding's line, for a
 * finding in SQL embedded in a string (where a `//` or `#` comment would become part of the SQL).
 */
export function suppressionInsertions(finding: Finding, text: string, statements: readonly LineRange[]): Insertion[] {
  const lines = text.split('\n');
  const containing = statements.filter((s) => s.line <= finding.line && finding.line <= s.endLine);
  const own = suppressionDirective(finding.file, finding.rule);
  const sql = suppressionDirective('embedded.sql', finding.rule);
  const candidates = [
    ...(containing.length ? [{ line: Math.min(...containing.map((s) => s.line)), directive: own }] : []),
    { line: finding.line, directive: own },
  ];
  if (own !== sql) candidates.push({ line: finding.line, directive: sql });
  const seen = new Set<string>();
  return candidates
    .filter(
      (c) =>
        c.line >= 1 &&
        c.line <= lines.length &&
        !seen.has(`${c.line} ${c.directive}`) &&
        seen.add(`${c.line} ${c.directive}`),
    )
    .map(({ line, directive }) => {
      const indent = /^[ \t]*/.exec(lines[line - 1]!)![0];
      return {
        line,
        character: 0,
        text: `${indent}${directive}\n`,
        title: `Suppress ${finding.rule} for this statement (with a reason)`,
      };
    });
}

function offsetOf(lines: readonly string[], line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line && l <= lines.length; l++) offset += lines[l - 1]!.length + 1;
  return offset + column - 1;
}

/** The offset of a 1-based line and column in `text`. */
export function offsetAt(text: string, line: number, column: number): number {
  return offsetOf(text.split('\n'), line, column);
}

function positionOf(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/**
 * `words` after the first match of the sticky `keywords` in the finding's span (the span starts at
 * the statement, the clause or the string holding the SQL). Comments between the keywords are not
 * expected here. Undefined when the keywords are not found as written.
 */
export function keywordInsertion(
  finding: Finding,
  text: string,
  keywords: RegExp,
  words: string,
  title: string,
): Insertion | undefined {
  const lines = text.split('\n');
  const start = offsetOf(lines, finding.line, finding.column);
  const end = Math.max(start, offsetOf(lines, finding.endLine, finding.endColumn));
  for (let at = start; at <= end && at < text.length; at++) {
    keywords.lastIndex = at;
    const m = keywords.exec(text);
    if (!m) continue;
    return { ...positionOf(text, m.index + m[0].length), text: words, title };
  }
  return undefined;
}

/** SQL keyword sequence the CONCURRENTLY fix goes after. */
const CREATE_INDEX = /\bCREATE\s+(?:UNIQUE\s+)?INDEX\b(?!\s+CONCURRENTLY\b)/iy;

/**
 * `require-concurrent-index-creation` in a SQL file: `CONCURRENTLY` after `CREATE [UNIQUE] INDEX`
 * of the flagged statement. Undefined when the statement is not found as written.
 */
export function concurrentlyInsertion(finding: Finding, text: string): Insertion | undefined {
  if (finding.rule !== 'require-concurrent-index-creation' || !finding.file.toLowerCase().endsWith('.sql'))
    return undefined;
  return embeddedConcurrently(finding, text);
}

/** `CONCURRENTLY` after `CREATE [UNIQUE] INDEX` in the finding's span, whatever the file (SQL in a string). */
export function embeddedConcurrently(finding: Finding, text: string): Insertion | undefined {
  return keywordInsertion(finding, text, CREATE_INDEX, ' CONCURRENTLY', 'Create the index CONCURRENTLY');
}

/** The value the rule's own help suggests: long enough for a lock on a quiet table, short enough not to stall traffic. */
export const LOCK_TIMEOUT = "'2s'";

/**
 * `require-lock-timeout` in a SQL file: `SET lock_timeout` on its own line above the flagged
 * statement (the rule flags the first statement that takes a strong lock, so everything before it
 * is harmless), with that statement's indentation.
 */
export function lockTimeoutInsertion(
  finding: Finding,
  text: string,
  statements: readonly LineRange[],
): Insertion | undefined {
  if (finding.rule !== 'require-lock-timeout' || !finding.file.toLowerCase().endsWith('.sql')) return undefined;
  const containing = statements.filter((s) => s.line <= finding.line && finding.line <= s.endLine);
  const line = containing.length ? Math.min(...containing.map((s) => s.line)) : finding.line;
  const lines = text.split('\n');
  if (line < 1 || line > lines.length) return undefined;
  const indent = /^[ \t]*/.exec(lines[line - 1]!)![0];
  // Drizzle sends the statements between breakpoints one by one: the new one gets its own
  const breakpoint = /-->\s*statement-breakpoint/.test(text) ? '--> statement-breakpoint' : '';
  return {
    line,
    character: 0,
    text: `${indent}SET lock_timeout = ${LOCK_TIMEOUT};${breakpoint}\n`,
    title: `Set lock_timeout = ${LOCK_TIMEOUT} before this statement`,
  };
}

/** `text` with the insertion applied. */
export function applyInsertion(text: string, insertion: Insertion): string {
  const lines = text.split('\n');
  const offset = offsetOf(lines, insertion.line, insertion.character + 1);
  return text.slice(0, offset) + insertion.text + text.slice(offset);
}

import type { Finding } from '../engine/types.js';
import type { Reporter, ReportInput } from './types.js';
import { displayPath } from '../files/display-path.js';
import { summarize } from './summary.js';

/**
 * The stable JSON contract (version 1), documented in README.md, in pieces: the text of
 * `JSON.stringify(doc, null, 2)`, one finding at a time, so a run with hundreds of thousands of
 * findings never holds them all as output objects and one string at once.
 */
export function* jsonReportChunks(input: ReportInput): Generator<string> {
  yield '{\n  "version": 1,\n  "findings": ';
  if (input.findings.length === 0) yield '[]';
  let first = true;
  for (const f of input.findings) {
    yield (first ? '[\n    ' : ',\n    ') + findingJson(f, input.cwd);
    first = false;
  }
  if (!first) yield '\n  ]';
  const unknown = input.verbose
    ? input.migrations.flatMap((m) =>
        m.ops
          .filter((op) => op.kind === 'unknown')
          .map((op) => ({
            file: displayPath(op.span.file, input.cwd),
            line: op.span.line,
            column: op.span.column,
            call: op.call,
            reason: op.reason,
          })),
      )
    : undefined;
  const rest: Record<string, unknown> = { summary: summarize(input) };
  if (unknown) rest.unknownOperations = unknown;
  if (input.skipped.length)
    rest.skipped = input.skipped.map((s) => ({ file: displayPath(s.path, input.cwd), reason: s.reason }));
  // `{\n  "summary": …\n}` without its opening brace continues the document.
  yield `,${JSON.stringify(rest, null, 2).slice(1)}\n`;
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters, any surrogate (lone ones are escaped). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A JSON value as `JSON.stringify` writes it inside an object (`undefined` is left out by the caller).
 * Most strings need no escape: quoting them directly is several times faster than JSON.stringify.
 */
function value(v: string | number): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

/**
 * One finding as `JSON.stringify(finding, null, 2)` writes it, indented two levels more (an item of
 * the top-level array), written out field by field: the reporter's hot loop on large runs.
 */
function findingJson(f: Finding, cwd: string): string {
  const I = '\n      ';
  let s =
    `{${I}"rule": ${value(f.rule)},${I}"severity": ${value(f.severity)},${I}"file": ${value(displayPath(f.file, cwd))},` +
    `${I}"line": ${value(f.line)},${I}"column": ${value(f.column)},${I}"endLine": ${value(f.endLine)},` +
    `${I}"endColumn": ${value(f.endColumn)},${I}"message": ${value(f.message)},` +
    `${I}"help": ${f.help === undefined ? 'null' : value(f.help)},${I}"lock": ${f.lock === undefined ? 'null' : value(f.lock)},` +
    `${I}"direction": ${value(f.direction)}`;
  if (f.revision) s += `,${I}"revision": ${value(f.revision)}`;
  if (f.related?.length) {
    // Rare: written by JSON.stringify, three levels in.
    const related = f.related.map((l) => ({ ...l, file: displayPath(l.file, cwd) }));
    s += `,${I}"related": ${JSON.stringify(related, null, 2).replace(/\n/g, I)}`;
  }
  return `${s}\n    }`;
}

export const jsonReporter: Reporter = (input) => [...jsonReportChunks(input)].join('');

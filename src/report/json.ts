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
    const out: Record<string, unknown> = {
      rule: f.rule,
      severity: f.severity,
      file: displayPath(f.file, input.cwd),
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
      help: f.help ?? null,
      lock: f.lock ?? null,
      direction: f.direction,
    };
    if (f.revision) out.revision = f.revision;
    if (f.related?.length) out.related = f.related.map((l) => ({ ...l, file: displayPath(l.file, input.cwd) }));
    // An item of the top-level array is indented two levels (strings hold no raw line breaks).
    yield (first ? '[\n    ' : ',\n    ') + JSON.stringify(out, null, 2).replace(/\n/g, '\n    ');
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

export const jsonReporter: Reporter = (input) => [...jsonReportChunks(input)].join('');

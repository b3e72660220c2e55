import type { Reporter } from './types.js';
import { displayPath } from './paths.js';
import { summarize } from './summary.js';

/** The stable JSON contract (version 1), documented in README.md. */
export const jsonReporter: Reporter = (input) => {
  const findings = input.findings.map((f) => {
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
    return out;
  });
  const unknown = input.verbose
    ? input.migrations.flatMap((m) =>
        m.ops.filter((op) => op.kind === 'unknown').map((op) => ({ file: displayPath(op.span.file, input.cwd), line: op.span.line, column: op.span.column, call: op.kind === 'unknown' ? op.call : '', reason: op.kind === 'unknown' ? op.reason : '' })),
      )
    : undefined;
  const doc: Record<string, unknown> = { version: 1, findings, summary: summarize(input) };
  if (unknown) doc.unknownOperations = unknown;
  if (input.skipped.length) doc.skipped = input.skipped.map((s) => ({ file: displayPath(s.path, input.cwd), reason: s.reason }));
  return JSON.stringify(doc, null, 2) + '\n';
};

/**
 * What a migration does, without where it says it: two versions of a file whose operations match
 * here differ only in comments, whitespace or formatting.
 */
import type { Migration, Operation, SourceSpan } from './types.js';

/** Position fields, which move with any edit above them, and SQL text kept only for trace. */
const IGNORED = new Set(['span', 'statementIndex', 'sql', 'longIdentifiers']);

function stable(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (IGNORED.has(key)) return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return v;
  });
}

export function opSignature(op: Operation): string {
  return stable(op);
}

/** Everything else about a migration that changes what running it does. */
function migrationSignature(m: Migration): string {
  return stable({
    format: m.format,
    transaction: m.transaction,
    transactionByDirection: m.transactionByDirection,
    revision: m.revision,
    parents: m.parents,
    downgrade: m.downgrade?.state,
    diagnostics: m.diagnostics.map((d) => d.message),
  });
}

/**
 * The first place the new version of a file does something the old one did not: the span of the first
 * operation that differs, the file start when only file-level facts differ, or undefined when the two
 * versions do the same.
 */
export function firstDifference(
  before: readonly Migration[],
  after: readonly Migration[],
  file: string,
): SourceSpan | undefined {
  const start: SourceSpan = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  if (before.length !== after.length) return start;
  for (let i = 0; i < after.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    const n = Math.max(a.ops.length, b.ops.length);
    for (let k = 0; k < n; k++) {
      const x = a.ops[k];
      const y = b.ops[k];
      if (!x || !y || opSignature(x) !== opSignature(y)) return (y ?? b.ops.at(-1))?.span ?? start;
    }
    if (migrationSignature(a) !== migrationSignature(b)) return start;
  }
  return undefined;
}

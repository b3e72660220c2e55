import type { LintResult } from '../linter.js';
import { countBySeverity } from './types.js';

export interface Summary {
  files: number;
  filesByFormat: Record<string, number>;
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  /** Framework calls the frontends could not interpret (see --verbose). */
  unknownOperations: number;
  skippedFiles: number;
}

export function summarize(result: LintResult): Summary {
  const filesByFormat: Record<string, number> = {};
  let unknownOperations = 0;
  // Files, not migrations: one file can hold several (Alembic offline SQL, one per revision).
  const counted = new Set<string>();
  for (const m of result.migrations) {
    for (const op of m.ops) if (op.kind === 'unknown') unknownOperations++;
    if (counted.has(m.file)) continue;
    counted.add(m.file);
    if (m.diagnostics.length && m.ops.length === 0 && m.source === '')
      filesByFormat['unreadable'] = (filesByFormat['unreadable'] ?? 0) + 1;
    else filesByFormat[m.format] = (filesByFormat[m.format] ?? 0) + 1;
  }
  const c = countBySeverity(result.findings);
  return {
    files: counted.size,
    filesByFormat,
    findings: result.findings.length,
    errors: c.error,
    warnings: c.warning,
    infos: c.info,
    unknownOperations,
    skippedFiles: result.skipped.length,
  };
}

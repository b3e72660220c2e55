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
  for (const m of result.migrations) {
    if (m.diagnostics.length && m.ops.length === 0 && m.source === '') filesByFormat['unreadable'] = (filesByFormat['unreadable'] ?? 0) + 1;
    else filesByFormat[m.format] = (filesByFormat[m.format] ?? 0) + 1;
    for (const op of m.ops) if (op.kind === 'unknown') unknownOperations++;
  }
  const c = countBySeverity(result.findings);
  return {
    files: result.migrations.length,
    filesByFormat,
    findings: result.findings.length,
    errors: c.error,
    warnings: c.warning,
    infos: c.info,
    unknownOperations,
    skippedFiles: result.skipped.length,
  };
}

/**
 * GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, which the
 * runner turns into annotations on the pull request's changed lines.
 */
import type { Severity } from '../rules/types.js';
import type { Reporter } from './types.js';
import { rootPathOf } from './paths.js';
import { summarize } from './summary.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** Escapes a command's message: `%`, CR and LF (the runner decodes them back). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value: as data, plus `:` and `,`, which separate properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const githubReporter: Reporter = (input) => {
  const lines: string[] = [];
  const pathOf = rootPathOf(input);
  for (const f of input.findings) {
    const props = [`file=${escapeProperty(pathOf(f.file))}`, `line=${f.line}`];
    // Columns are only meaningful to GitHub on a single-line range.
    if (f.endLine === f.line)
      props.push(`col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${Math.max(f.column, f.endColumn)}`);
    else props.push(`endLine=${f.endLine}`);
    props.push(`title=${escapeProperty(`migration-lint: ${f.rule}`)}`);
    const body = [f.message];
    if (f.lock) body.push(`Lock: ${f.lock}`);
    if (f.help) body.push(`Fix: ${f.help}`);
    if (f.revision) body.push(`Revision: ${f.revision}`);
    lines.push(`::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(body.join('\n'))}`);
  }
  const s = summarize(input);
  lines.push(
    `migration-lint: ${s.findings} problem${s.findings === 1 ? '' : 's'} (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info) in ${s.files} file${s.files === 1 ? '' : 's'}`,
  );
  return lines.join('\n') + '\n';
};

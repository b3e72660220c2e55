import type { Finding } from '../engine/types.js';
import { LineIndex } from '../ir/source-text.js';
import type { Reporter } from './types.js';
import { displayPath } from '../files/display-path.js';
import { summarize } from './summary.js';
import { findRule } from '../rules/index.js';
import { ruleDocsUrl } from '../version.js';

/**
 * Control characters from a migration file (an identifier or comment holding ESC…) would reach the
 * terminal as commands: shown escaped instead. Tabs stay.
 */
export function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what this escapes
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** An OSC 8 hyperlink: `text`, clickable, opening `url` (terminals without support show the text). */
function hyperlink(url: string, text: string): string {
  return `\x1b]8;;${url}\x1b\\${text}\x1b]8;;\x1b\\`;
}

const CODES = { red: 31, yellow: 33, blue: 34, gray: 90, bold: 1, cyan: 36 } as const;

function frame(index: LineIndex, f: Finding, paint: (c: keyof typeof CODES, s: string) => string): string[] {
  const out: string[] = [];
  const last = Math.min(f.endLine, f.line + 2);
  const width = String(last).length;
  for (let line = Math.max(1, f.line - 1); line <= last && line <= index.lineCount; line++) {
    const text = visible(index.lineText(line).replace(/\t/g, '  '));
    const marker = line >= f.line && line <= f.endLine ? paint('red', '>') : ' ';
    out.push(
      `  ${marker} ${paint('gray', String(line).padStart(width) + ' |')} ${text.length > 160 ? text.slice(0, 157) + '...' : text}`,
    );
    if (line === f.line) {
      const len = f.endLine === f.line ? Math.max(1, f.endColumn - f.column) : Math.max(1, text.length - f.column + 1);
      out.push(
        `    ${' '.repeat(width)} ${paint('gray', '|')} ${' '.repeat(Math.max(0, f.column - 1))}${paint('red', '^'.repeat(Math.min(len, 80)))}`,
      );
    }
  }
  if (f.endLine > last) out.push(`    ${' '.repeat(width)} ${paint('gray', '|')} …`);
  return out;
}

/** Human output: `file:line:col  severity  rule  message`, a code frame, the lock and the fix, a summary. */
export const textReporter: Reporter = (input) => {
  const paint = (c: keyof typeof CODES, s: string) => (input.color ? `\x1b[${CODES[c]}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  const indexes = new Map<string, LineIndex>();
  for (const f of input.findings) {
    const sev =
      f.severity === 'error'
        ? paint('red', 'error')
        : f.severity === 'warning'
          ? paint('yellow', 'warning')
          : paint('blue', 'info');
    const where = `${visible(displayPath(f.file, input.cwd))}:${f.line}:${f.column}`;
    // Squawk prints a docs link per finding too; on a terminal the rule id is clickable as well.
    const docs = findRule(f.rule) ? ruleDocsUrl(f.rule) : undefined;
    const rule = docs && input.hyperlinks ? hyperlink(docs, f.rule) : f.rule;
    lines.push(
      `${paint('bold', where)}  ${sev}  ${paint('cyan', rule)}  ${visible(f.message)}${f.revision ? paint('gray', ` (revision ${visible(f.revision)})`) : ''}`,
    );
    const source = input.sources.get(f.file);
    if (source) {
      let index = indexes.get(f.file);
      if (!index) indexes.set(f.file, (index = new LineIndex(source)));
      lines.push(...frame(index, f, paint));
    }
    for (const l of f.related ?? [])
      lines.push(
        `    ${paint('gray', 'see:')}  ${visible(displayPath(l.file, input.cwd))}:${l.line}:${l.column} ${visible(l.message)}`,
      );
    if (f.lock) lines.push(`    ${paint('gray', 'lock:')} ${visible(f.lock)}`);
    if (f.help) lines.push(`    ${paint('gray', 'fix:')}  ${visible(f.help)}`);
    if (docs) lines.push(`    ${paint('gray', 'docs:')} ${input.hyperlinks ? hyperlink(docs, docs) : docs}`);
    lines.push('');
  }
  if (input.verbose) {
    for (const m of input.migrations) {
      for (const op of m.ops) {
        if (op.kind !== 'unknown') continue;
        lines.push(
          `${visible(displayPath(op.span.file, input.cwd))}:${op.span.line}:${op.span.column}  ${paint('gray', 'not understood')}  ${visible(op.call)} — ${visible(op.reason)}`,
        );
      }
    }
    for (const s of input.skipped)
      lines.push(`${visible(displayPath(s.path, input.cwd))}  ${paint('gray', 'skipped')}  ${visible(s.reason)}`);
  }
  const s = summarize(input);
  const problems = `${s.findings} problem${s.findings === 1 ? '' : 's'} (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.infos ? `, ${s.infos} info` : ''})`;
  const extra = [
    s.unknownOperations
      ? `${s.unknownOperations} call${s.unknownOperations === 1 ? '' : 's'} not understood${input.verbose ? '' : ' (--verbose lists them)'}`
      : '',
    s.skippedFiles ? `${s.skippedFiles} file${s.skippedFiles === 1 ? '' : 's'} skipped` : '',
  ].filter(Boolean);
  const head =
    s.findings === 0
      ? paint('bold', `✔ no problems in ${s.files} file${s.files === 1 ? '' : 's'}`)
      : paint('bold', `✖ ${problems} in ${s.files} file${s.files === 1 ? '' : 's'}`);
  lines.push(head + (extra.length ? ` — ${extra.join(', ')}` : ''));
  return lines.join('\n') + '\n';
};

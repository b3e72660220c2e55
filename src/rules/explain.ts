import type { FindingKind } from './types.js';
import { lockSql } from '../analysis/locks.js';

/** `error`, or `warning (off by default)` for a rule the config must turn on. */
function severityLabel(rule: FindingKind): string {
  return rule.meta.offByDefault ? `${rule.meta.severity} (off by default)` : rule.meta.severity;
}

export function listRules(rules: readonly FindingKind[]): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  const sev = Math.max(...rules.map((r) => severityLabel(r).length));
  return (
    rules.map((r) => `${r.meta.id.padEnd(width)}  ${severityLabel(r).padEnd(sev)}  ${r.meta.summary}`).join('\n') + '\n'
  );
}

/** A rule's documentation as Markdown (what `migration-lint explain` prints and docs/rules.md collects). */
export function explainRule(rule: FindingKind): string {
  const m = rule.meta;
  const parts = [
    `# ${m.id}`,
    '',
    `Severity: ${m.severity}${m.squawk ? ' · same id as Squawk' : ''}${m.aliases?.length ? ` · also accepted as ${m.aliases.map((a) => `\`${a}\``).join(', ')}` : ''}`,
    '',
    m.summary,
    ...(m.offByDefault
      ? ['', `Off by default: ${m.offByDefault} Turn it on in the config: \`"rules": { "${m.id}": "${m.severity}" }\`.`]
      : []),
    '',
    '## What it flags',
    '',
    m.docs.what,
    '',
    '## Why it is dangerous',
    '',
    m.docs.why,
  ];
  if (m.lock)
    parts.push(
      '',
      `Lock taken (verified on Postgres by the trace tests): \`${lockSql(m.lock.mode)}\` on the table for \`${m.lock.statement}\``,
    );
  parts.push('', '## Do this instead', '', m.docs.instead, '');
  return parts.join('\n');
}

/** docs/rules.md: an index of every rule, then each rule's `explain` text one heading level down. */
export function rulesReference(rules: readonly FindingKind[]): string {
  const anchor = (id: string) => id.toLowerCase().replace(/[^a-z0-9-]/g, '');
  const lines = [
    '# Rules',
    '',
    "<!-- Generated from the rules' own documentation by `npm run docs` (scripts/gen-rule-docs.mjs); do not edit by hand. -->",
    '',
    '`migration-lint explain <rule>` prints the same text. Turn a rule off with `--exclude <rule>`.',
    '',
    '| Rule | Severity | Squawk id | What it catches |',
    '| --- | --- | --- | --- |',
    ...rules.map(
      (r) =>
        `| [\`${r.meta.id}\`](#${anchor(r.meta.id)}) | ${severityLabel(r)} | ${r.meta.squawk ? 'yes' : ''} | ${r.meta.summary.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ];
  for (const r of rules) {
    let inCode = false;
    // Headings one level down; a `#` line inside a code block (a Python comment) is left alone.
    for (const line of explainRule(r).split('\n')) {
      if (line.startsWith('```')) inCode = !inCode;
      lines.push(!inCode && line.startsWith('#') ? `#${line}` : line);
    }
    lines.push('');
  }
  return (
    lines
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

/** The rule table README.md shows between its `rules:start` / `rules:end` markers. */
export function readmeRulesTable(rules: readonly FindingKind[]): string {
  return [
    '| Rule | Severity | What it catches |',
    '| --- | --- | --- |',
    ...rules.map(
      (r) =>
        `| [\`${r.meta.id}\`](docs/rules.md#${r.meta.id}) | ${severityLabel(r)} | ${r.meta.summary.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
}

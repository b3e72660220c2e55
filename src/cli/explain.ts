import type { Rule } from '../engine/types.js';
import { lockSql } from '../rules/helpers.js';

export function listRules(rules: readonly Rule[]): string {
  const width = Math.max(...rules.map((r) => r.meta.id.length));
  return rules.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.summary}`).join('\n') + '\n';
}

/** A rule's documentation as Markdown (what `migration-lint explain` prints and docs/rules.md collects). */
export function explainRule(rule: Rule): string {
  const m = rule.meta;
  const parts = [
    `# ${m.id}`,
    '',
    `Severity: ${m.severity}${m.squawk ? ' · same id as Squawk' : ''}`,
    '',
    m.summary,
    '',
    '## What it flags',
    '',
    m.docs.what,
    '',
    '## Why it is dangerous',
    '',
    m.docs.why,
  ];
  if (m.lock) parts.push('', `Lock taken (verified on Postgres by the trace tests): \`${lockSql(m.lock.mode)}\` on the table for \`${m.lock.statement}\``);
  parts.push('', '## Do this instead', '', m.docs.instead, '');
  return parts.join('\n');
}

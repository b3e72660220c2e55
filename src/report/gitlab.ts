/**
 * GitLab Code Quality report (the `artifacts:reports:codequality` JSON): an array of issues with a
 * stable fingerprint each, so merge requests show which findings are new.
 */
import type { Severity } from '../rules/types.js';
import { fingerprintFindings } from '../baseline/fingerprint.js';
import type { Reporter } from './types.js';
import { rootPathOf } from './paths.js';

const SEVERITY: Record<Severity, 'major' | 'minor' | 'info'> = { error: 'major', warning: 'minor', info: 'info' };

export const gitlabReporter: Reporter = (input) => {
  const pathOf = rootPathOf(input);
  const fingerprints = fingerprintFindings(input.findings, input.sources, pathOf);
  const issues = input.findings.map((f, i) => {
    const description = [f.message, f.lock ? `Lock: ${f.lock}.` : '', f.help ? `Fix: ${f.help}` : '']
      .filter(Boolean)
      .join(' ');
    return {
      type: 'issue',
      check_name: f.rule,
      description,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint: fingerprints[i]!,
      location: { path: pathOf(f.file), lines: { begin: f.line, end: Math.max(f.line, f.endLine) } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
};

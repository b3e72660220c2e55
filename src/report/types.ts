import type { Finding } from '../engine/types.js';
import type { LintResult } from '../linter.js';

export interface ReportInput extends LintResult {
  /** Working directory: reporters print paths relative to it. */
  cwd: string;
  /**
   * Repository root (see `repositoryRoot`): the CI formats (GitHub annotations, SARIF, GitLab) give
   * paths relative to it, which is where GitHub and GitLab look them up. Unset: the working directory.
   */
  root?: string;
  /** Source text by file path, for code frames. */
  sources: Map<string, string>;
  /** Unknown ops (calls a frontend could not interpret) are listed only with --verbose. */
  verbose: boolean;
  color: boolean;
  /** Write OSC 8 hyperlinks (a terminal): the text reporter links each finding to its rule's docs. */
  hyperlinks?: boolean;
  toolVersion: string;
}

export type Reporter = (input: ReportInput) => string;

export function countBySeverity(findings: Finding[]): { error: number; warning: number; info: number } {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

import type { Reporter } from './types.js';
import { githubReporter } from './github.js';
import { gitlabReporter } from './gitlab.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

/** Output formats by `--format` name. */
export const REPORTERS: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  gitlab: gitlabReporter,
};

/** Formats read by CI systems, which resolve file paths from the repository root. */
export const ROOT_RELATIVE_FORMATS: ReadonlySet<string> = new Set(['sarif', 'github', 'gitlab']);

import type { Reporter } from './types.js';
import { jsonReporter } from './json.js';
import { textReporter } from './text.js';

/** Output formats by `--format` name. */
export const REPORTERS: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
};

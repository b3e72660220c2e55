import type { Rule } from '../engine/types.js';
import { addingRequiredField } from './adding-required-field.js';
import { ioError, parseError } from './parse-error.js';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js';
// -- lock and constraint rules (imports) --
// -- naming, drop and type-preference rules (imports) --
// -- framework and revision-graph rules (imports) --
import { suppressionMissingReason } from './suppression-missing-reason.js';
import { unusedSuppression } from './unused-suppression.js';

/** Every rule, in `migration-lint rules` order. Add a rule by adding its file and listing it here. */
export const ALL_RULES: readonly Rule[] = [
  requireConcurrentIndexCreation,
  addingRequiredField,
  // -- lock and constraint rules --
  // -- naming, drop and type-preference rules --
  // -- framework and revision-graph rules --
  unusedSuppression,
  suppressionMissingReason,
  parseError,
  ioError,
];

export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}

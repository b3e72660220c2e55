import type { FindingKind } from './types.js';
import { addingRequiredField } from './adding-required-field.js';
import { ioError, parseError } from './parse-error.js';
import { emptyMigration } from './empty-migration.js';
import { requireConcurrentIndexCreation } from './require-concurrent-index-creation.js';
// -- lock and constraint rules (imports) --
import { requireConcurrentIndexDeletion } from './require-concurrent-index-deletion.js';
import { banConcurrentIndexCreationInTransaction } from './ban-concurrent-index-creation-in-transaction.js';
import { addingNotNullableField } from './adding-not-nullable-field.js';
import { addingFieldWithDefault } from './adding-field-with-default.js';
import { addingForeignKeyConstraint } from './adding-foreign-key-constraint.js';
import { constraintMissingNotValid } from './constraint-missing-not-valid.js';
import { disallowedUniqueConstraint } from './disallowed-unique-constraint.js';
import { addingSerialPrimaryKeyField } from './adding-serial-primary-key-field.js';
import { changingColumnType } from './changing-column-type.js';
import { requireLockTimeout } from './require-lock-timeout.js';
// -- naming, drop and type-preference rules (imports) --
import { renamingColumn } from './renaming-column.js';
import { renamingTable } from './renaming-table.js';
import { banDropColumn } from './ban-drop-column.js';
import { banDropTable } from './ban-drop-table.js';
import { banDropDatabase } from './ban-drop-database.js';
import { banDropNotNull } from './ban-drop-not-null.js';
import { banTruncateCascade } from './ban-truncate-cascade.js';
import { transactionNesting } from './transaction-nesting.js';
import { banUncommittedTransaction } from './ban-uncommitted-transaction.js';
import { preferBigintOverInt } from './prefer-bigint-over-int.js';
import { preferTextField } from './prefer-text-field.js';
import { preferTimestamptz } from './prefer-timestamptz.js';
import { preferIdentity } from './prefer-identity.js';
import { banCharField } from './ban-char-field.js';
import { renameViaDropAdd } from './rename-via-drop-add.js';
import { anonymousConstraint } from './anonymous-constraint.js';
// -- framework and revision-graph rules (imports) --
import { brokenRevisionGraph } from './broken-revision-graph.js';
import { multipleHeads } from './multiple-heads.js';
import { requireBatchModeForSqlite } from './require-batch-mode-for-sqlite.js';
import { emptyDowngrade } from './empty-downgrade.js';
import { suppressionMissingReason } from './suppression-missing-reason.js';
import { unusedSuppression } from './unused-suppression.js';
// -- Squawk's remaining rules (imports) --
import { banCreateDomainWithConstraint } from './ban-create-domain-with-constraint.js';
import { banAlterDomainWithAddConstraint } from './ban-alter-domain-with-add-constraint.js';
import { requireConcurrentPartitionDetach } from './require-concurrent-partition-detach.js';
import { requireConcurrentReindex } from './require-concurrent-reindex.js';
import { preferRepack } from './prefer-repack.js';
import { requireEnumValueOrdering } from './require-enum-value-ordering.js';
import { identifierTooLong } from './identifier-too-long.js';
import { preferBigintOverSmallint } from './prefer-bigint-over-smallint.js';
import { requireStatementTimeout } from './require-statement-timeout.js';
import { requireTableSchema } from './require-table-schema.js';
import { preferRobustStmts } from './prefer-robust-stmts.js';
import { banDuplicateColumnAssignments } from './ban-duplicate-column-assignments.js';
import { undefinedName } from './undefined-name.js';
import { editedMigration } from './edited-migration.js';
// -- hazards (imports) --
import { backfillInDdlTransaction } from './backfill-in-ddl-transaction.js';
import { banExclusionConstraint } from './ban-exclusion-constraint.js';
import { banTruncate } from './ban-truncate.js';
import { preferJsonb } from './prefer-jsonb.js';
import { unknownOperation } from './unknown-operation.js';
import { lockTimeoutTooLong } from './lock-timeout-too-long.js';
import { banEnumValueAddInTransaction } from './ban-enum-value-add-in-transaction.js';
import { requireIndexForForeignKey } from './require-index-for-foreign-key.js';
import { banDropSchema } from './ban-drop-schema.js';
import { renamingSchema } from './renaming-schema.js';
import { banUnfilteredDataChange } from './ban-unfiltered-data-change.js';
import { banDisableTrigger } from './ban-disable-trigger.js';
import { banMultipleAccessExclusiveLocks } from './ban-multiple-access-exclusive-locks.js';
import { attachPartitionWithoutCheck } from './attach-partition-without-check.js';
import { banDropConstraint } from './ban-drop-constraint.js';
import { statementTimeoutTooLong } from './statement-timeout-too-long.js';

/**
 * Every rule, and the finding kinds the pipeline files itself (parse-error, unused-suppression…), in
 * `migration-lint rules` order. Add a rule by adding its file and listing it here.
 */
export const ALL_RULES: readonly FindingKind[] = [
  requireConcurrentIndexCreation,
  addingRequiredField,
  // -- lock and constraint rules --
  requireConcurrentIndexDeletion,
  banConcurrentIndexCreationInTransaction,
  banEnumValueAddInTransaction,
  addingNotNullableField,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  requireIndexForForeignKey,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  addingSerialPrimaryKeyField,
  changingColumnType,
  requireLockTimeout,
  lockTimeoutTooLong,
  banMultipleAccessExclusiveLocks,
  requireStatementTimeout,
  statementTimeoutTooLong,
  backfillInDdlTransaction,
  banExclusionConstraint,
  requireConcurrentReindex,
  requireConcurrentPartitionDetach,
  attachPartitionWithoutCheck,
  banAlterDomainWithAddConstraint,
  banCreateDomainWithConstraint,
  preferRepack,
  banDuplicateColumnAssignments,
  // -- naming, drop and type-preference rules --
  renamingColumn,
  renamingTable,
  renamingSchema,
  banDropColumn,
  banDropTable,
  banDropDatabase,
  banDropSchema,
  banDropNotNull,
  banDropConstraint,
  banTruncate,
  banUnfilteredDataChange,
  banDisableTrigger,
  banTruncateCascade,
  transactionNesting,
  banUncommittedTransaction,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferTextField,
  preferTimestamptz,
  preferJsonb,
  preferIdentity,
  banCharField,
  renameViaDropAdd,
  anonymousConstraint,
  identifierTooLong,
  requireEnumValueOrdering,
  requireTableSchema,
  preferRobustStmts,
  // -- framework and revision-graph rules --
  multipleHeads,
  brokenRevisionGraph,
  undefinedName,
  editedMigration,
  requireBatchModeForSqlite,
  emptyDowngrade,
  unusedSuppression,
  unknownOperation,
  suppressionMissingReason,
  emptyMigration,
  parseError,
  ioError,
];

export function findRule(id: string): FindingKind | undefined {
  return ALL_RULES.find((r) => r.meta.id === id);
}

/** Alias → the rule ids it names (Squawk's `prefer-timestamp-tz`; `require-timeout-settings` names two rules). */
const ALIASES: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const r of ALL_RULES) for (const a of r.meta.aliases ?? []) map.set(a, [...(map.get(a) ?? []), r.meta.id]);
  return map;
})();

/** The rule ids a name in a suppression comment, `--exclude` or the config stands for: itself, or an alias's rules; [] when unknown. */
export function resolveRuleId(name: string): readonly string[] {
  if (findRule(name)) return [name];
  return ALIASES.get(name) ?? [];
}

/** Every name accepted for a rule: ids and aliases. */
export const ACCEPTED_RULE_IDS: readonly string[] = [...ALL_RULES.map((r) => r.meta.id), ...ALIASES.keys()];

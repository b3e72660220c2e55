import type { FormatParser } from '../types.js';
import { revisionGraphs, runOrder } from '../../analysis/revision-graph.js';
import { looksLikeRevision, parseRevisionFile } from './revision-file.js';
import { applyEnvConfig, envConfigFor } from './env-config.js';

declare module '../../ir/types.js' {
  interface MigrationFormats {
    alembic: true;
  }
}

/**
 * Alembic revision files (`versions/<rev>_<slug>.py`), read statically. Other .py files (env.py,
 * application code) are not revisions and are skipped.
 */
export const alembic: FormatParser = {
  format: 'alembic',
  declaredBy: { files: ['alembic.ini'], python: ['alembic'] },
  extensions: ['.py'],
  formatHelp: {
    concurrentIndex:
      'With Alembic: op.create_index(…, postgresql_concurrently=True) (or that statement in op.execute()) inside `with op.get_context().autocommit_block():`',
    sqliteRebuild:
      'With Alembic, run it in a batch block, which SQLite applies by recreating the table (create the new table, copy the rows, drop the old one, rename): with op.batch_alter_table("<table>") as batch_op: batch_op.<operation>(…)',
  },
  transactionFacts: {
    wrapped: {
      reason: 'Alembic runs migrations in a transaction on Postgres (transactional DDL)',
      fix: 'run the statement inside `with op.get_context().autocommit_block():`',
    },
  },
  // Applied revisions are recorded by id (alembic_version), so a renamed file is the same revision.
  identifiedBy: 'declared-id',
  detect: (file) => (looksLikeRevision(file.text) ? 10 : 0),
  // env.py beside versions/ (read, never run) names unnamed constraints and sets the transaction model.
  parse: async (file, options) => [
    applyEnvConfig(await parseRevisionFile(file, options), await envConfigFor(file.path)),
  ],
  // Revisions run in graph order (parents and dependencies first), one versions directory at a time.
  arrangeRun: (migrations) => revisionGraphs(migrations).flatMap(runOrder),
};

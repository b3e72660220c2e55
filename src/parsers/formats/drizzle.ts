import type { FormatParser } from '../types.js';
import { sqlMigration } from './sql-common.js';

/**
 * drizzle-kit output: statements separated by `--> statement-breakpoint`; drizzle's migrator runs all
 * pending migrations in one transaction.
 */
export const drizzle: FormatParser = {
  format: 'drizzle',
  extensions: ['.sql'],
  detect: (file) => (file.text.includes('--> statement-breakpoint') ? 9 : 0),
  parse: (file) => sqlMigration(file.path, file.text, 'drizzle', 'wrapped'),
};

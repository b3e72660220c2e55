import type { Migration } from './types.js';

/**
 * The set a migration belongs to: as its format's parser stamped it, else its format and directory.
 * Schema state, and every rule that follows tables across migrations, stays within one set: unrelated
 * directories linted together (a monorepo's services) never see each other's tables.
 */
export function migrationSetOf(migration: Migration): string {
  if (migration.migrationSet) return migration.migrationSet;
  const slash = Math.max(migration.file.lastIndexOf('/'), migration.file.lastIndexOf('\\'));
  return `${migration.format}:${slash === -1 ? '.' : migration.file.slice(0, slash)}`;
}

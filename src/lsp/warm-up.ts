/**
 * What the language server reads and parses before the editor opens anything: the directories of the
 * workspace that look like migration sets, so that the first file opened finds its set parsed.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hasMigrationExtension, SKIP_DIRS } from '../files/discover.js';

/** Names migration tools give their directories (Rails/Knex/TypeORM/Sequelize, Alembic, Flyway, Liquibase). */
const SET_NAMES = /^(migrations?|migrate|versions|alembic|db|sql|changelog|changes)$/i;
/** The walk stops after this many directories: a large monorepo is not walked whole before the first open. */
const MAX_DIRECTORIES_VISITED = 2000;
const MAX_DEPTH = 6;

/**
 * Directories under `root` (breadth first, nearest first) that hold SQL files, or migration-named
 * directories that hold files of a migration extension; at most `limit`.
 */
export function likelyMigrationDirectories(root: string, extensions: readonly string[], limit: number): string[] {
  const found: string[] = [];
  let queue: string[] = [root];
  let visited = 0;
  for (let depth = 0; depth <= MAX_DEPTH && queue.length > 0 && found.length < limit; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      if (++visited > MAX_DIRECTORIES_VISITED || found.length >= limit) break;
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const named = SET_NAMES.test(basename(dir));
      let holds = false;
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) next.push(join(dir, e.name));
        } else if (
          !holds &&
          (e.isFile() || e.isSymbolicLink()) &&
          (e.name.toLowerCase().endsWith('.sql') || (named && hasMigrationExtension(e.name, extensions)))
        )
          holds = true;
      }
      if (holds) found.push(dir);
    }
    queue = next;
  }
  return found;
}

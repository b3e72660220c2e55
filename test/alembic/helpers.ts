/**
 * Shared by the Alembic tests: reading revision sources through the real frontend, linting files
 * through the whole pipeline, and running Debian's Alembic (`/usr/bin/python3 -m alembic`).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Migration, Operation } from '../../src/ir/types.js';
import { alembic } from '../../src/parsers/alembic/index.js';
import { initSqlParser } from '../../src/parsers/sql/parse-sql.js';
import { DEFAULT_OPTIONS, type LinterOptions, type LintResult, lintSources } from '../../src/linter.js';

/** Debian's python3 (with python3-alembic / python3-sqlalchemy), not the pyenv one on PATH. */
export const PYTHON = '/usr/bin/python3';

export const ALEMBIC_AVAILABLE =
  spawnSync(PYTHON, ['-c', 'import alembic, sqlalchemy'], { encoding: 'utf8' }).status === 0;
export const SKIP_REASON =
  'python3-alembic / python3-sqlalchemy are not installed (apt-get install python3-alembic python3-sqlalchemy; .ci/run does)';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/alembic');

export async function parseRevision(
  text: string,
  file = 'migrations/versions/abc123_test.py',
  dialect: 'postgresql' | 'sqlite' = 'postgresql',
): Promise<Migration> {
  await initSqlParser();
  const [migration] = await alembic.parse({ path: file, text }, { assumeInTransaction: false, dialect });
  if (!migration) throw new Error(`no migration in ${file}`);
  return migration;
}

/** A revision file around an upgrade body (and optionally a downgrade body), as `alembic revision` writes it. */
export function revisionSource(
  upgrade: string,
  downgrade = 'pass',
  header = 'revision = "abc123"\ndown_revision = None\n',
): string {
  const indent = (body: string) =>
    body
      .trim()
      .split('\n')
      .map((l) => (l ? `    ${l}` : l))
      .join('\n');
  return `"""test\n\nRevision ID: abc123\n"""\nfrom alembic import op\nimport sqlalchemy as sa\nfrom sqlalchemy.dialects import postgresql\n\n${header}branch_labels = None\ndepends_on = None\n\n\ndef upgrade() -> None:\n${indent(upgrade)}\n\n\ndef downgrade() -> None:\n${indent(downgrade)}\n`;
}

/** Line of the revisionSource file where the upgrade body starts. */
export const UPGRADE_FIRST_LINE = 16;

export function upgradeOps(m: Migration): Operation[] {
  return m.ops.filter((op) => op.direction === 'upgrade');
}

/** Every file under a directory, recursively, in path order. */
export function filesUnder(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

export async function lintFiles(paths: string[], options: Partial<LinterOptions> = {}): Promise<LintResult> {
  return lintSources(
    paths.map((path) => ({ path, content: { ok: true as const, text: readFileSync(path, 'utf8') } })),
    { ...DEFAULT_OPTIONS, ...options },
  );
}

export async function lintText(
  files: { path: string; text: string }[],
  options: Partial<LinterOptions> = {},
): Promise<LintResult> {
  return lintSources(
    files.map((f) => ({ path: f.path, content: { ok: true as const, text: f.text } })),
    { ...DEFAULT_OPTIONS, ...options },
  );
}

/** Runs `python3 -m alembic <args>` in a project directory. */
export function runAlembic(
  project: string,
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  // No __pycache__ in the fixtures.
  const r = spawnSync(PYTHON, ['-m', 'alembic', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

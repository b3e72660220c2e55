/**
 * `migration-lint init`: writes a commented starter migration-lint.config.json for the repository
 * in the working directory — where its migrations are, which migration tools it uses, which Postgres
 * version its docker-compose file runs — for the team to review.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { discoverFiles } from '../files/discover.js';
import { chooseParser, EXTENSIONS, PARSERS } from '../parsers/registry.js';
import { cargoDeclares } from '../parsers/formats/sqlx.js';
import type { MigrationFormat } from '../ir/types.js';
import { CONFIG_FILE_NAME, PACKAGE_JSON_KEY } from '../config/load.js';
import { DEFAULT_PG_VERSION } from '../linter.js';
import type { CommandRegistrar } from './io.js';
import { UsageError } from '../config/settings.js';

export interface RepositoryFacts {
  /** Migration formats found, with how many files and where. */
  formats: { format: MigrationFormat; files: number; dirs: string[] }[];
  /** Directories holding migrations, relative to the root, forward slashes. */
  roots: string[];
  /** Migration tools named in package.json dependencies or tool config files. */
  declaredTools: string[];
  /** Postgres major version from a compose file's `postgres:NN` image. */
  pgVersion?: number;
}

const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'];

/** A directory name that holds migrations (the glob root is the outermost such directory). */
const MIGRATION_DIR = /^(?:migrations?|migrate|versions|db_migrations|sql_migrations|schema_migrations|changelog)$/i;

function posix(p: string): string {
  return p.split('\\').join('/');
}

/** Plain SQL is any .sql file: only count it when the path looks like a migration. */
function looksLikeMigration(rel: string): boolean {
  return /migrat/i.test(rel) || /^(?:\d|V\d|U\d)/.test(basename(rel));
}

function globRoot(rel: string): string {
  const parts = rel.split('/');
  const dirs = parts.slice(0, -1);
  const at = dirs.findIndex((d) => MIGRATION_DIR.test(d));
  if (at !== -1) return dirs.slice(0, at + 1).join('/');
  return dirs.join('/');
}

export function detectRepository(root: string): RepositoryFacts {
  const byFormat = new Map<MigrationFormat, { files: number; dirs: Set<string> }>();
  const roots = new Set<string>();
  for (const file of discoverFiles([root], EXTENSIONS)) {
    const rel = posix(relative(root, file));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const parser = chooseParser({ path: file, text });
    if (!parser) continue;
    if (parser.format === 'sql' && !looksLikeMigration(rel)) continue;
    let entry = byFormat.get(parser.format);
    if (!entry) byFormat.set(parser.format, (entry = { files: 0, dirs: new Set() }));
    entry.files++;
    entry.dirs.add(posix(dirname(rel)));
    roots.add(globRoot(rel));
  }
  // Keep the outermost roots only: `db/migrations` covers `db/migrations/2024`.
  const sorted = [...roots].sort((a, b) => a.length - b.length);
  const outer = sorted.filter((r, i) => !sorted.slice(0, i).some((o) => o === '' || r === o || r.startsWith(`${o}/`)));

  const declared = new Set<string>();
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    for (const field of ['dependencies', 'devDependencies'])
      for (const name of Object.keys(pkg[field] ?? {}))
        for (const p of PARSERS) if (p.declaredBy?.packages?.includes(name)) declared.add(p.format);
  } catch {
    // no package.json, or not JSON: nothing declared there
  }
  for (const p of PARSERS)
    for (const file of p.declaredBy?.files ?? [])
      if (existsSync(join(root, file)) || existsSync(join(root, 'prisma', file))) declared.add(p.format);
  for (const pyproject of ['pyproject.toml', 'requirements.txt']) {
    let text: string;
    try {
      text = readFileSync(join(root, pyproject), 'utf8');
    } catch {
      continue; // absent
    }
    for (const p of PARSERS)
      for (const requirement of p.declaredBy?.python ?? [])
        if (new RegExp(`\\b${requirement}\\b`, 'i').test(text)) declared.add(p.format);
  }

  try {
    const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    for (const p of PARSERS)
      for (const crate of p.declaredBy?.crates ?? []) if (cargoDeclares(cargo, crate)) declared.add(p.format);
  } catch {
    // no Cargo.toml: nothing declared there
  }

  let pgVersion: number | undefined;
  for (const compose of COMPOSE_FILES) {
    try {
      const m = /image:\s*["']?(?:[\w.-]+\/)*(?:postgres|postgis|timescaledb[\w-]*)(?::(?:[\w.]*?-)?(\d{1,2}))/i.exec(
        readFileSync(join(root, compose), 'utf8'),
      );
      if (m) {
        pgVersion = Number(m[1]);
        break;
      }
    } catch {
      // absent
    }
  }

  const facts: RepositoryFacts = {
    formats: [...byFormat.entries()]
      .sort((a, b) => b[1].files - a[1].files)
      .map(([format, e]) => ({ format, files: e.files, dirs: [...e.dirs].sort() })),
    roots: outer.sort(),
    declaredTools: [...declared].sort(),
  };
  if (pgVersion !== undefined && pgVersion >= 9) facts.pgVersion = pgVersion;
  return facts;
}

/** The starter config: JSON with comments, which the config loader reads (see docs/integrations.md). */
export function starterConfig(facts: RepositoryFacts): string {
  const found = facts.formats.length
    ? facts.formats.map(
        (f) =>
          `//   ${f.format}: ${f.files} file${f.files === 1 ? '' : 's'} in ${f.dirs.slice(0, 3).join(', ')}${f.dirs.length > 3 ? ', …' : ''}`,
      )
    : ['//   no migration files found; set "include" to where they are'];
  const tools = facts.declaredTools.length
    ? [`// Migration tools declared by the project: ${facts.declaredTools.join(', ')}.`]
    : [];
  const include = facts.roots.length ? facts.roots.map((r) => (r === '' ? '**' : `${r}/**`)) : ['db/migrations/**'];
  const single = facts.formats.length === 1 ? facts.formats[0]!.format : undefined;
  const lines = [
    '// migration-lint configuration (JSON with comments). Generated by `migration-lint init`;',
    '// review it, then commit it. Every key: docs/integrations.md. Command-line flags override it.',
    '//',
    '// Found in this repository:',
    ...found,
    ...tools,
    '{',
    '  // Files to lint when no paths are given, and the filter for paths that are (pre-commit passes',
    '  // every staged file). Globs are relative to this file.',
    `  "include": [${include.map((g) => JSON.stringify(g)).join(', ')}],`,
    '  // Files to leave out, e.g. seed data or generated dumps.',
    '  "exclude": [],',
    '',
    `  // The oldest Postgres major version you deploy to: what is safe depends on it.${facts.pgVersion ? ' (From your compose file.)' : ''}`,
    `  "pgVersion": ${facts.pgVersion ?? DEFAULT_PG_VERSION},`,
    '',
    '  // Plain .sql files run outside a transaction unless your tool wraps each file in one; say so here.',
    '  // (dbmate, Flyway, Prisma, Drizzle, golang-migrate, sqlx and the TS/Python frameworks are known.)',
    '  "assumeInTransaction": false,',
    '',
    single && single !== 'sql'
      ? `  // Every migration found is ${single}; uncomment to skip detection.\n  // "framework": "${single}",`
      : '  // Force one migration format instead of detecting it per file, e.g. "framework": "flyway".',
    '',
    '  // "error" | "warning" | "info" | "off" per rule (`migration-lint rules` lists them).',
    '  "rules": {',
    '    // "prefer-bigint-over-int": "off",',
    '  },',
    '',
    '  // Exit 1 when a finding of this severity or worse is reported: "error", "warning" or "never".',
    '  "failOn": "error",',
    '',
    "  // Adopting on a repository with old migrations? Record today's findings once with",
    '  //   migration-lint --write-baseline migration-lint.baseline.json',
    '  // and uncomment this so only new findings are reported:',
    '  // "baseline": "migration-lint.baseline.json",',
    '}',
    '',
  ];
  return lines.join('\n');
}

export const initCommand: CommandRegistrar = (program, { io, setExit }) => {
  program
    .command('init')
    .description(`write a commented starter ${CONFIG_FILE_NAME} for this repository`)
    .option('--force', `overwrite an existing ${CONFIG_FILE_NAME}`)
    .option('--stdout', 'print the config instead of writing it')
    .action((flags: { force?: boolean; stdout?: boolean }) => {
      const target = join(io.cwd, CONFIG_FILE_NAME);
      if (!flags.stdout && !flags.force && existsSync(target))
        throw new UsageError(`${CONFIG_FILE_NAME} already exists (use --force to overwrite it)`);
      if (!flags.stdout && !flags.force) {
        try {
          const pkg = JSON.parse(readFileSync(join(io.cwd, 'package.json'), 'utf8')) as Record<string, unknown> | null;
          if (pkg && typeof pkg === 'object' && PACKAGE_JSON_KEY in pkg)
            throw new UsageError(
              `package.json already has a "${PACKAGE_JSON_KEY}" configuration (use --force to write ${CONFIG_FILE_NAME}, which takes precedence)`,
            );
        } catch (e) {
          if (e instanceof UsageError) throw e;
        }
      }
      const facts = detectRepository(io.cwd);
      const text = starterConfig(facts);
      if (flags.stdout) {
        io.stdout(text);
        setExit(0);
        return;
      }
      try {
        writeFileSync(target, text);
      } catch (e) {
        throw new UsageError(
          `cannot write ${CONFIG_FILE_NAME}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      const summary = facts.formats.length
        ? facts.formats.map((f) => `${f.format} (${f.files})`).join(', ')
        : 'no migrations found';
      io.stdout(
        `Wrote ${CONFIG_FILE_NAME} — ${summary}; include: ${facts.roots.length ? facts.roots.map((r) => (r === '' ? '**' : `${r}/**`)).join(', ') : '(none found, edit it)'}.\n` +
          'Next: review it, run `migration-lint`, and on an existing repository record a baseline with\n' +
          '`migration-lint --write-baseline migration-lint.baseline.json` (docs/integrations.md).\n',
      );
      setExit(0);
    });
};

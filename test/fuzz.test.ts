/**
 * Seeded fuzzing of every frontend through the CLI (in-process `run()`): the repository's fixtures
 * (plain SQL in each tool's layout, Knex, Kysely, TypeORM, Sequelize, MikroORM, node-pg-migrate,
 * Alembic) mutated byte by byte and token by token, a batch of one file per frontend per run.
 * Whatever the bytes, a run exits 0, 1 or 2, prints valid JSON with sane positions, and never shows
 * an internal error or a stack trace.
 *
 * A few seconds by default. Longer: MIGRATION_LINT_FUZZ_ITERATIONS=2000 (runs),
 * MIGRATION_LINT_FUZZ_SEED=<n> to replay; a failing batch is kept on disk and its path printed.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT } from './integrations/helpers.js';

const RUNS = Number(process.env.MIGRATION_LINT_FUZZ_ITERATIONS ?? 16);
const SEED = Number(process.env.MIGRATION_LINT_FUZZ_SEED ?? 20261204);

/** mulberry32: a small seeded generator, so a failure replays from its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}
type Random = ReturnType<typeof generator>;

const FIXTURES = join(REPO_ROOT, 'fixtures');
const MIGRATION_EXTENSIONS = /\.(sql|ts|js|py)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : MIGRATION_EXTENSIONS.test(name) ? [p] : [];
  });
}

/** Fixture files by frontend: the top directory of fixtures/ (fixtures/sql by tool layout). */
function corpus(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const file of walk(FIXTURES)) {
    const rel = relative(FIXTURES, file);
    const parts = rel.split('/');
    const group = parts[0] === 'sql' ? `sql/${parts[1]}` : parts[0]!;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push(rel);
  }
  return groups;
}

/** Tokens that open, close or confuse each language's lexer and the frontends' readers. */
const TOKENS: Record<string, string[]> = {
  sql: [
    '(',
    ')',
    ';',
    "'",
    '"',
    '$$',
    '$tag$',
    '/*',
    '*/',
    '--',
    'BEGIN;',
    'COMMIT;',
    'BEGIN ATOMIC',
    'END;',
    'CREATE INDEX i ON t (a);',
    'ALTER TABLE t ADD COLUMN c int NOT NULL;',
    'DO $$ BEGIN END $$;',
    "E'\\'",
    '-- migrate:up\n',
    '-- migrate:down\n',
    '-- +goose Up\n',
    '\\',
    'COPY t FROM stdin;\n1\n\\.\n',
    'CONCURRENTLY',
    '-- migration-lint-disable-next-line\n',
  ],
  ts: [
    '(',
    ')',
    '{',
    '}',
    '[',
    ']',
    '`',
    '${',
    "'",
    '"',
    '/*',
    '*/',
    '//',
    ';',
    ',',
    '=>',
    'await ',
    'async ',
    'return ',
    'knex.schema.',
    'queryRunner.query(`',
    'pgm.',
    'db.schema.',
    'queryInterface.',
    'this.addSql(',
    '.alterTable("t", (t) => {',
    'table.integer("c").notNullable();',
    'export async function up(',
    'module.exports = {',
    'new Function(',
    '\u2028',
    '?.',
    '...',
    'if (x) {',
    'for (const t of ["a","b"]) {',
  ],
  py: [
    '(',
    ')',
    '[',
    ']',
    '{',
    '}',
    "'",
    '"',
    '"""',
    "'''",
    'f"{',
    '#',
    '\\\n',
    ':',
    '\n    ',
    '\n',
    '\t',
    'op.',
    'op.execute(',
    'op.add_column("t", sa.Column("c", sa.Integer(), nullable=False))',
    'with op.batch_alter_table("t") as batch_op:\n        ',
    'if ',
    'else:',
    'def ',
    'return',
    'lambda',
    '+',
    '/',
    '=',
    'revision = ',
    'down_revision = ',
    'sa.text(',
    'not ',
  ],
};
const languageOf = (file: string) => (file.endsWith('.sql') ? 'sql' : file.endsWith('.py') ? 'py' : 'ts');

/** Byte-level mutations: flips, random bytes (invalid UTF-8 and NUL included), cuts, copies. */
function mutateBytes(r: Random, bytes: Buffer): Buffer {
  const at = () => r.int(bytes.length + 1);
  switch (r.int(6)) {
    case 0: {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      const at = r.int(copy.length);
      copy[at] = copy[at]! ^ (1 << r.int(8));
      return copy;
    }
    case 1: {
      const i = at();
      const noise = Buffer.from(
        Array.from({ length: 1 + r.int(8) }, () =>
          r.pick([0x00, 0x0d, 0x0a, 0x22, 0x27, 0x5c, 0x80, 0xc3, 0xe2, 0xff, 0xfe, 0xef, r.int(256)]),
        ),
      );
      return Buffer.concat([bytes.subarray(0, i), noise, bytes.subarray(i)]);
    }
    case 2: {
      const i = at();
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(Math.min(bytes.length, i + 1 + r.int(64)))]);
    }
    case 3: {
      const i = at();
      const j = Math.min(bytes.length, i + r.int(200));
      return Buffer.concat([bytes.subarray(0, j), bytes.subarray(i, j), bytes.subarray(j)]);
    }
    case 4:
      return bytes.subarray(0, at());
    default:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  }
}

/** Grammar-aware mutations: language tokens, repeated tokens (deep nesting, long runs), lines moved or spliced from another file. */
function mutateText(r: Random, text: string, language: string, donors: string[]): string {
  const lines = text.split('\n');
  const at = () => r.int(text.length + 1);
  switch (r.int(6)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + r.pick(TOKENS[language]!) + text.slice(i);
    }
    case 1: {
      // Nesting and runs up to a few thousand: deep enough to hit every depth limit, small enough to stay fast.
      const i = at();
      const token = r.pick(TOKENS[language]!);
      return text.slice(0, i) + token.repeat(1 + r.int(Math.max(1, Math.floor(3000 / token.length)))) + text.slice(i);
    }
    case 2: {
      const i = r.int(lines.length);
      lines.splice(r.int(lines.length), 0, ...lines.slice(i, i + 1 + r.int(5)));
      return lines.join('\n');
    }
    case 3: {
      const i = r.int(lines.length);
      lines.splice(i, 1 + r.int(3));
      return lines.join('\n');
    }
    case 4: {
      const donor = r.pick(donors).split('\n');
      const from = r.int(donor.length);
      lines.splice(r.int(lines.length + 1), 0, ...donor.slice(from, from + 1 + r.int(8)));
      return lines.join('\n');
    }
    default: {
      // Delete a balanced-looking span: the text between two occurrences of the same bracket or quote.
      const open = r.pick(['(', '[', '{', "'", '"', '`']);
      const i = text.indexOf(open, at());
      const j = i === -1 ? -1 : text.indexOf(open, i + 1);
      return i === -1 || j === -1 ? text : text.slice(0, i) + text.slice(j);
    }
  }
}

interface JsonReport {
  findings: {
    rule: string;
    file: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    message: string;
  }[];
  summary: { files: number };
}

describe('fuzz: mutated fixtures through the CLI', () => {
  const groups = corpus();
  const sources = new Map<string, Buffer>();
  for (const files of groups.values()) for (const f of files) sources.set(f, readFileSync(join(FIXTURES, f)));

  it('covers every frontend', () => {
    for (const group of [
      'sql/dbmate',
      'sql/flyway',
      'sql/golang-migrate',
      'sql/sqlx',
      'knex',
      'kysely',
      'typeorm',
      'sequelize',
      'mikro-orm',
      'node-pg-migrate',
      'alembic',
    ]) {
      expect(groups.get(group)?.length ?? 0, group).toBeGreaterThan(0);
    }
  });

  it(`${RUNS} runs of one mutated file per frontend (seed ${SEED}): exit 0/1/2, valid JSON, no internal error, no stack trace`, async () => {
    const r = generator(SEED);
    const root = mkdtempSync(join(tmpdir(), 'ml-fuzz-'));
    try {
      for (let run = 0; run < RUNS; run++) {
        const dir = join(root, `run-${run}`);
        const written: string[] = [];
        for (const files of groups.values()) {
          const file = r.pick(files);
          const language = languageOf(file);
          const donors = files.filter((f) => languageOf(f) === language).map((f) => sources.get(f)!.toString('utf8'));
          let bytes = sources.get(file)!;
          for (let m = 1 + r.int(3); m > 0; m--) {
            bytes =
              r.next() < 0.35
                ? mutateBytes(r, bytes)
                : Buffer.from(mutateText(r, bytes.toString('utf8'), language, donors));
          }
          const path = join(dir, file);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, bytes);
          written.push(file);
        }
        // sqlx's migrations are read as sqlx only in a crate whose Cargo.toml names sqlx.
        if (written.some((f) => f.startsWith('sql/sqlx/')))
          writeFileSync(join(dir, 'sql/sqlx/Cargo.toml'), readFileSync(join(FIXTURES, 'sql/sqlx/Cargo.toml')));
        const extra = r.pick([
          [],
          ['--check-downgrade'],
          ['--dialect', 'sqlite'],
          ['--assume-in-transaction'],
          ['--pg-version', '10'],
        ]);
        const args = ['--format', 'json', ...extra, ...written];
        const replay = `seed ${SEED}, run ${run}: files kept in ${dir}; replay: migration-lint ${args.join(' ')}`;
        const out = await cli(args, dir);
        expect([0, 1, 2], replay).toContain(out.code);
        expect(out.stderr, replay).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/i);
        expect(out.code === 2 ? '' : out.stdout, replay).not.toBe('');
        if (out.code === 2) continue;
        const report = JSON.parse(out.stdout) as JsonReport;
        for (const f of report.findings) {
          expect(f.message, replay).not.toMatch(/Internal error|Maximum call stack|\n\s+at .+:\d+:\d+/);
          expect(
            f.line >= 1 && f.column >= 1 && (f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column)),
            `${replay}: ${JSON.stringify(f)}`,
          ).toBe(true);
        }
        rmSync(dir, { recursive: true, force: true });
      }
    } finally {
      // A failing run's directory stays for replay; the others are gone already.
      if (readdirSync(root).length === 0) rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});

#!/usr/bin/env node
/**
 * Writes a deterministic corpus of realistic SQL migrations for the benchmark: by default 2,000 files
 * of 5–40 statements (create table, add column, indexes, foreign keys, drops, SET NOT NULL, type
 * changes, backfills, BEGIN/COMMIT, functions and triggers), same seed → same bytes.
 *
 *   node bench/generate.mjs [--files 2000] [--seed 42] [--out bench/corpus]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));

/** mulberry32: small, fast, good enough for shuffling words. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'users',
  'accounts',
  'orders',
  'order_items',
  'payments',
  'refunds',
  'invoices',
  'customers',
  'products',
  'categories',
  'carts',
  'cart_items',
  'shipments',
  'addresses',
  'subscriptions',
  'plans',
  'coupons',
  'reviews',
  'sessions',
  'events',
  'audit_log',
  'notifications',
  'teams',
  'memberships',
  'projects',
  'tasks',
  'comments',
  'attachments',
  'webhooks',
  'api_keys',
];
const COLUMN_WORDS = [
  'status',
  'email',
  'name',
  'title',
  'description',
  'amount_cents',
  'currency',
  'quantity',
  'note',
  'reference',
  'external_id',
  'country',
  'city',
  'postal_code',
  'phone',
  'locale',
  'timezone',
  'source',
  'kind',
  'priority',
  'score',
  'version',
  'slug',
  'archived_at',
  'deleted_at',
  'confirmed_at',
  'expires_at',
  'last_seen_at',
  'metadata',
  'settings',
  'is_active',
  'is_admin',
];
const TYPES = [
  'text',
  'text',
  'bigint',
  'integer',
  'boolean',
  'timestamptz',
  'timestamp',
  'varchar(255)',
  'varchar(64)',
  'jsonb',
  'numeric(12,2)',
  'uuid',
  'date',
  'smallint',
  'char(2)',
  'inet',
];
const DEFAULTS = {
  text: "''",
  bigint: '0',
  integer: '0',
  boolean: 'false',
  timestamptz: 'now()',
  timestamp: 'now()',
  jsonb: "'{}'::jsonb",
  uuid: 'gen_random_uuid()',
  date: 'CURRENT_DATE',
  smallint: '0',
  'numeric(12,2)': '0',
};

export function generateCorpus({ files = 2000, seed = 42, out = join(HERE, 'corpus') } = {}) {
  const rand = prng(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const chance = (p) => rand() < p;
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  /** Tables created so far, with their columns: later migrations alter what earlier ones made. */
  const tables = [];
  let serial = 0;
  const uniq = (base) => `${base}_${(serial++).toString(36)}`;

  const columnDef = (name, type) => {
    let def = `${name} ${type}`;
    if (chance(0.35)) def += ' NOT NULL';
    if (DEFAULTS[type] && chance(0.3)) def += ` DEFAULT ${DEFAULTS[type]}`;
    return def;
  };

  const createTable = (lines) => {
    const name = chance(0.7) ? uniq(pick(NOUNS)) : `${pick(['app', 'billing', 'crm'])}.${uniq(pick(NOUNS))}`;
    const cols = [];
    const defs = [
      chance(0.7)
        ? 'id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY'
        : chance(0.5)
          ? 'id bigserial PRIMARY KEY'
          : 'id serial PRIMARY KEY',
    ];
    for (let i = 0, n = int(2, 8); i < n; i++) {
      const col = `${pick(COLUMN_WORDS)}${i}`;
      const type = pick(TYPES);
      cols.push({ name: col, type });
      defs.push(columnDef(col, type));
    }
    const parent = tables.length && chance(0.5) ? pick(tables) : undefined;
    if (parent) {
      cols.push({ name: 'parent_id', type: 'bigint' });
      defs.push(
        `parent_id bigint${chance(0.5) ? ' NOT NULL' : ''} REFERENCES ${parent.name} (id)${chance(0.3) ? ' ON DELETE CASCADE' : ''}`,
      );
    }
    defs.push('created_at timestamptz NOT NULL DEFAULT now()');
    lines.push(`CREATE TABLE ${chance(0.2) ? 'IF NOT EXISTS ' : ''}${name} (\n    ${defs.join(',\n    ')}\n);`);
    const table = { name, cols, indexes: [] };
    tables.push(table);
    if (chance(0.5)) lines.push(`CREATE INDEX ${uniq('idx')} ON ${name} (created_at);`);
    return table;
  };

  const existing = (lines) => (tables.length ? pick(tables) : createTable(lines));
  const someColumn = (t) => (t.cols.length ? pick(t.cols) : { name: 'created_at', type: 'timestamptz' });

  const statements = [
    [6, createTable],
    [
      10,
      (lines) => {
        const t = existing(lines);
        const col = `${pick(COLUMN_WORDS)}_${(serial++).toString(36)}`;
        const type = pick(TYPES);
        t.cols.push({ name: col, type });
        lines.push(`ALTER TABLE ${t.name} ADD COLUMN ${chance(0.2) ? 'IF NOT EXISTS ' : ''}${columnDef(col, type)};`);
      },
    ],
    [
      8,
      (lines) => {
        const t = existing(lines);
        const idx = uniq(`${t.name.replace('.', '_')}_idx`);
        t.indexes.push(idx);
        const cols = chance(0.3)
          ? `${someColumn(t).name}, ${someColumn(t).name}`
          : chance(0.2)
            ? `lower(${someColumn(t).name}::text)`
            : someColumn(t).name;
        const where = chance(0.2) ? ' WHERE deleted_at IS NULL' : '';
        lines.push(
          `CREATE ${chance(0.2) ? 'UNIQUE ' : ''}INDEX ${chance(0.5) ? 'CONCURRENTLY ' : ''}${chance(0.3) ? 'IF NOT EXISTS ' : ''}${idx} ON ${t.name} (${cols})${where};`,
        );
      },
    ],
    [
      5,
      (lines) => {
        const t = existing(lines);
        const target = existing(lines);
        const col = `${target.name.split('.').pop()}_id`;
        const fk = uniq(`${t.name.split('.').pop()}_${col}_fkey`);
        if (chance(0.5)) lines.push(`ALTER TABLE ${t.name} ADD COLUMN IF NOT EXISTS ${col} bigint;`);
        if (chance(0.5)) {
          lines.push(
            `ALTER TABLE ${t.name} ADD CONSTRAINT ${fk} FOREIGN KEY (${col}) REFERENCES ${target.name} (id) NOT VALID;`,
          );
          lines.push(`ALTER TABLE ${t.name} VALIDATE CONSTRAINT ${fk};`);
        } else
          lines.push(
            `ALTER TABLE ${t.name} ADD ${chance(0.5) ? `CONSTRAINT ${fk} ` : ''}FOREIGN KEY (${col}) REFERENCES ${target.name} (id)${chance(0.3) ? ' ON DELETE SET NULL' : ''};`,
          );
      },
    ],
    [
      3,
      (lines) => {
        const t = existing(lines);
        const c = someColumn(t);
        if (chance(0.5)) {
          const check = uniq(`${c.name}_not_null`);
          lines.push(`ALTER TABLE ${t.name} ADD CONSTRAINT ${check} CHECK (${c.name} IS NOT NULL) NOT VALID;`);
          lines.push(`ALTER TABLE ${t.name} VALIDATE CONSTRAINT ${check};`);
          lines.push(`ALTER TABLE ${t.name} ALTER COLUMN ${c.name} SET NOT NULL;`);
          lines.push(`ALTER TABLE ${t.name} DROP CONSTRAINT ${check};`);
        } else lines.push(`ALTER TABLE ${t.name} ALTER COLUMN ${c.name} SET NOT NULL;`);
      },
    ],
    [
      3,
      (lines) => {
        const t = existing(lines);
        const c = someColumn(t);
        const to = pick(['bigint', 'text', 'varchar(500)', 'numeric(14,2)', 'timestamptz', 'integer']);
        lines.push(
          `ALTER TABLE ${t.name} ALTER COLUMN ${c.name} ${chance(0.5) ? 'TYPE' : 'SET DATA TYPE'} ${to}${chance(0.3) ? ` USING ${c.name}::${to}` : ''};`,
        );
        c.type = to;
      },
    ],
    [
      6,
      (lines) => {
        const t = existing(lines);
        const c = someColumn(t);
        const lo = int(1, 100) * 10000;
        lines.push(
          `UPDATE ${t.name} SET ${c.name} = DEFAULT WHERE id BETWEEN ${lo} AND ${lo + 9999} AND ${c.name} IS NULL;`,
        );
      },
    ],
    [
      2,
      (lines) => {
        const t = existing(lines);
        lines.push(
          `INSERT INTO ${t.name} (created_at) SELECT now() - (n || ' days')::interval FROM generate_series(1, ${int(10, 500)}) AS n;`,
        );
      },
    ],
    [
      3,
      (lines) => {
        const t = existing(lines);
        if (t.cols.length > 1 && chance(0.5)) {
          const c = t.cols.splice(Math.floor(rand() * t.cols.length), 1)[0];
          lines.push(`ALTER TABLE ${t.name} DROP COLUMN ${chance(0.4) ? 'IF EXISTS ' : ''}${c.name};`);
        } else if (t.indexes.length) {
          lines.push(`DROP INDEX ${chance(0.5) ? 'CONCURRENTLY ' : ''}IF EXISTS ${t.indexes.pop()};`);
        } else lines.push(`ALTER TABLE ${t.name} ALTER COLUMN ${someColumn(t).name} DROP DEFAULT;`);
      },
    ],
    [
      1,
      (lines) => {
        if (tables.length < 5) return;
        const t = tables.splice(Math.floor(rand() * tables.length), 1)[0];
        lines.push(`DROP TABLE IF EXISTS ${t.name}${chance(0.2) ? ' CASCADE' : ''};`);
      },
    ],
    [
      2,
      (lines) => {
        const t = existing(lines);
        const c = someColumn(t);
        if (chance(0.5)) lines.push(`ALTER TABLE ${t.name} RENAME COLUMN ${c.name} TO ${(c.name = `${c.name}_old`)};`);
        else lines.push(`ALTER TABLE ${t.name} ALTER COLUMN ${c.name} SET DEFAULT ${DEFAULTS[c.type] ?? 'NULL'};`);
      },
    ],
    [
      1,
      (lines) => {
        const t = existing(lines);
        const fn = uniq('touch_updated_at');
        lines.push(
          `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger\nLANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := coalesce(NEW.created_at, now());\n  RETURN NEW;\nEND;\n$$;`,
          `CREATE TRIGGER ${uniq('trg')} BEFORE INSERT OR UPDATE ON ${t.name}\n    FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
        );
      },
    ],
    [
      1,
      (lines) => {
        const t = existing(lines);
        lines.push(
          `COMMENT ON TABLE ${t.name} IS 'Owned by the ${pick(['billing', 'growth', 'platform', 'checkout'])} team';`,
        );
      },
    ],
  ];
  const totalWeight = statements.reduce((s, [w]) => s + w, 0);
  const oneStatement = (lines) => {
    let r = rand() * totalWeight;
    for (const [w, make] of statements) {
      if ((r -= w) < 0) return make(lines);
    }
  };

  let statementCount = 0;
  for (let i = 1; i <= files; i++) {
    const lines = [`-- Migration ${i}: ${pick(['add', 'change', 'backfill', 'index', 'clean up'])} ${pick(NOUNS)}`];
    const wrap = chance(0.4);
    if (chance(0.3)) lines.push(`SET lock_timeout = '${int(1, 5)}s';`);
    if (wrap) lines.push('BEGIN;');
    const target = int(5, 40) - (wrap ? 2 : 0);
    const body = [];
    if (i === 1 || chance(0.15)) createTable(body);
    while (body.length < target) oneStatement(body);
    body.length = Math.max(1, target);
    lines.push(...body);
    if (wrap) lines.push('COMMIT;');
    statementCount += lines.length - 1;
    const name = `${String(i).padStart(4, '0')}_${pick(['add', 'alter', 'index', 'backfill', 'drop', 'create'])}_${pick(NOUNS)}.sql`;
    writeFileSync(join(out, name), lines.join('\n\n') + '\n');
  }
  return { files, statements: statementCount, out };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { files: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const result = generateCorpus({
    files: Number(values.files ?? 2000),
    seed: Number(values.seed ?? 42),
    out: values.out ?? join(HERE, 'corpus'),
  });
  console.log(`wrote ${result.files} migrations (${result.statements} statements) to ${result.out}`);
}

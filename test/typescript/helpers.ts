/**
 * Shared by the TypeScript/JavaScript frontend tests: parse a framework file through the real
 * registry, turn SQL a library generated into IR with the SQL frontend, normalise both IRs so they
 * can be compared op for op, and lint migration sets with every rule.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type {
  Direction,
  Migration,
  MigrationFormat,
  Operation,
  QualifiedName,
  TransactionMode,
  TypeRef,
} from '../../src/ir/types.js';
import { assignTransactions } from '../../src/ir/transactions.js';
import { lintMigrations } from '../../src/engine/lint.js';
import type { Finding } from '../../src/engine/types.js';
import { enabledRules } from '../../src/linter.js';
import { parseFile } from '../../src/parsers/registry.js';
import { initSqlParser, parseSql } from '../../src/parsers/sql/parse-sql.js';

/** Every migration of a file (several for a file holding an inline migration provider). */
export async function parseTsAll(
  path: string,
  text = readFileSync(path, 'utf8'),
  framework?: MigrationFormat,
): Promise<Migration[]> {
  await initSqlParser();
  const migrations = await parseFile(
    { path, text },
    { assumeInTransaction: false, dialect: 'postgresql', ...(framework ? { framework } : {}) },
  );
  if (!migrations) throw new Error(`no parser took ${path}`);
  return migrations;
}

/** The one migration of a file. */
export async function parseTs(
  path: string,
  text = readFileSync(path, 'utf8'),
  framework?: MigrationFormat,
): Promise<Migration> {
  const [m, ...more] = await parseTsAll(path, text, framework);
  if (!m || more.length) throw new Error(`${path} holds ${more.length + (m ? 1 : 0)} migrations, not one`);
  return m;
}

/** One generated SQL statement per entry, each parsed as its own file so its ops can be traced back to it. */
export function sqlOps(statements: string[], direction: Direction, file = 'generated'): Operation[] {
  const out: Operation[] = [];
  let base = 0;
  statements.forEach((sql, i) => {
    const r = parseSql(sql, { file: `${file}#${i}`, direction });
    expect(r.diagnostics, `generated SQL must parse: ${sql}`).toEqual([]);
    for (const op of r.ops) {
      op.statementIndex += base;
      out.push(op);
    }
    base += r.statements;
  });
  return out;
}

/** A migration made of generated SQL, run the way the framework runs the original file. */
/** An op of generated SQL, moved to the migration file: positions inside that SQL mean nothing there, so only the op keeps one. */
export function relocate(op: Operation, file: string): void {
  const statement = op.statementSpan ?? op.span;
  op.span = { ...statement, file };
  delete op.statementSpan;
  if (op.kind === 'create-table')
    for (const c of [...op.columns, ...op.constraints, ...op.columns.flatMap((col) => col.constraints)]) delete c.span;
  if (op.kind === 'add-column') for (const c of [op.column, ...op.column.constraints]) delete c.span;
  if (op.kind === 'add-constraint') delete op.constraint.span;
}

export function generatedMigration(
  like: Migration,
  up: Operation[],
  down: Operation[],
  mode: TransactionMode = like.transaction,
): Migration {
  const ops = [...up, ...down];
  for (const op of ops) relocate(op, like.file);
  assignTransactions(ops, mode);
  const m: Migration = { file: like.file, format: like.format, ops, transaction: mode, diagnostics: [], source: '' };
  if (like.downgrade) m.downgrade = like.downgrade;
  if (like.transactionFacts) m.transactionFacts = like.transactionFacts;
  return m;
}

function table(t: QualifiedName | undefined) {
  if (!t) return undefined;
  return t.schema && t.schema !== 'public' ? `${t.schema}.${t.name}` : t.name;
}

function type(t: TypeRef | undefined) {
  if (!t) return undefined;
  return `${t.schema && t.schema !== 'public' ? `${t.schema}.` : ''}${t.name}${t.modifiers.length ? `(${t.modifiers.join(',')})` : ''}${'[]'.repeat(t.arrayDims)}`;
}

/**
 * The facts rules judge, without positions or text that legitimately differs (a default written
 * `0` by us and `'0'` by Knex is the same constant): kinds, tables, columns, types, nullability,
 * default presence and volatility, constraint kinds/names/targets, index flags.
 */
export function normalize(op: Operation, withTransaction = true): unknown {
  const base: Record<string, unknown> = { kind: op.kind, direction: op.direction };
  if (withTransaction) base.inTransaction = op.inTransaction;
  const constraint = (c: {
    type: string;
    name?: string;
    columns: string[];
    notValid: boolean;
    references?: { table: QualifiedName; columns: string[] };
    checksNotNullOf?: string;
    usingIndex?: string;
  }) => ({
    type: c.type,
    name: c.name,
    columns: c.columns,
    notValid: c.notValid,
    references: c.references ? { table: table(c.references.table), columns: c.references.columns } : undefined,
    checksNotNullOf: c.checksNotNullOf,
    usingIndex: c.usingIndex,
  });
  const column = (c: Extract<Operation, { kind: 'add-column' }>['column']) => ({
    name: c.name,
    type: type(c.type),
    notNull: c.notNull,
    primaryKey: c.primaryKey,
    unique: c.unique,
    generated: c.generated,
    default: c.default ? c.default.volatility : undefined,
    constraints: c.constraints.map(constraint),
  });
  switch (op.kind) {
    case 'create-table':
      return {
        ...base,
        table: table(op.table),
        columns: op.columns.map(column),
        constraints: op.constraints.map(constraint),
        ifNotExists: op.ifNotExists,
      };
    case 'add-column':
      return { ...base, table: table(op.table), column: column(op.column) };
    case 'drop-column':
      return { ...base, table: table(op.table), column: op.column, ifExists: op.ifExists, cascade: op.cascade };
    case 'rename-column':
      return { ...base, table: table(op.table), column: op.column, newName: op.newName };
    case 'alter-column-type':
      return { ...base, table: table(op.table), column: op.column, newType: type(op.newType) };
    case 'set-not-null':
    case 'drop-not-null':
      return { ...base, table: table(op.table), column: op.column };
    case 'set-default':
      return {
        ...base,
        table: table(op.table),
        column: op.column,
        default: op.default ? op.default.volatility : undefined,
      };
    case 'add-constraint':
      return { ...base, table: table(op.table), constraint: constraint(op.constraint) };
    case 'drop-constraint':
      return { ...base, table: table(op.table), name: op.name, ifExists: op.ifExists };
    case 'create-index':
      return {
        ...base,
        table: table(op.table),
        name: op.name,
        columns: op.columns,
        unique: op.unique,
        concurrently: op.concurrently,
        ifNotExists: op.ifNotExists,
        partial: Boolean(op.where),
      };
    case 'drop-index':
      return { ...base, indexes: op.indexes.map(table), concurrently: op.concurrently, ifExists: op.ifExists };
    case 'drop-table':
      return { ...base, tables: op.tables.map(table), ifExists: op.ifExists, cascade: op.cascade };
    case 'rename-table':
      return { ...base, table: table(op.table), newName: op.newName };
    case 'data-change':
      return { ...base, statementType: op.statementType, table: table(op.table) };
    case 'set-setting':
      return { ...base, name: op.name, value: op.value };
    case 'transaction':
      return { ...base, action: op.action };
    case 'add-enum-value':
      return { ...base, type: table(op.type), value: op.value };
    case 'truncate':
      return { ...base, tables: op.tables.map(table), cascade: op.cascade };
    case 'other':
      // Statement types legitimately differ (CREATE TYPE written by us vs a DO block by Sequelize).
      return base;
    default:
      return { ...base, op };
  }
}

export function lintAll(migrations: Migration[], checkDowngrade = true): Finding[] {
  return lintMigrations(migrations, { pgVersion: 14, checkDowngrade, rules: enabledRules({}) });
}

/**
 * Findings as `rule: message` with line numbers masked (they differ between a .ts file and generated
 * SQL), and without the "(only when …)" of a condition in the file (the SQL a run sent has none).
 */
export function verdicts(findings: Finding[], file?: string): string[] {
  return findings
    .filter((f) => file === undefined || f.file === file)
    .map(
      (f) =>
        `${f.rule}: ${f.message
          .replace(/\blines? \d+(, \d+)*/g, 'line N')
          .replace(/\bpublic\./g, '')
          .replace(/ \(only when .*\)$/, '')}`,
    )
    .sort();
}

/** `[line, rule]` pairs, sorted, for expected-findings assertions. */
export function lineRules(
  findings: Finding[],
  file: string,
  ignore: ReadonlySet<string> = new Set(),
): [number, string][] {
  return findings
    .filter((f) => f.file === file && !ignore.has(f.rule))
    .map((f) => [f.line, f.rule] as [number, string])
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

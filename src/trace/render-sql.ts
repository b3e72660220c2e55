/**
 * IR operation → Postgres SQL, for migrations that are not written in SQL (TypeScript ORMs, Alembic):
 * trace runs what the IR says the migration does. An op that the IR does not describe fully enough
 * to be run (an `unknown` call, an `other` statement without text, a CREATE TABLE … AS without its
 * query, an expression the frontend could only abbreviate) is not rendered; the reason is returned
 * so the trace output can say what it skipped.
 */
import { scanSync } from 'libpg-query';
import type { ColumnDef, ConstraintDef, DefaultValue, Operation, QualifiedName, TypeRef } from '../ir/types.js';

export type Rendered = { sql: string } | { skip: string };

const SIMPLE_IDENT = /^[a-z_][a-z0-9_$]*$/;
const keywordCache = new Map<string, boolean>();

/** Whether Postgres needs `word` quoted as an identifier (any keyword that is not unreserved). */
function isReservedWord(word: string): boolean {
  let hit = keywordCache.get(word);
  if (hit === undefined) {
    try {
      const kind = scanSync(word).tokens[0]?.keywordKind ?? 0;
      hit = kind > 1; // 0 = not a keyword, 1 = unreserved
    } catch {
      hit = true; // scanner not loaded: quoting is always correct
    }
    keywordCache.set(word, hit);
  }
  return hit;
}

/** Quotes an identifier the way Postgres's quote_ident does. */
export function quoteIdent(name: string): string {
  if (SIMPLE_IDENT.test(name) && !isReservedWord(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function qualified(name: QualifiedName): string {
  return name.schema ? `${quoteIdent(name.schema)}.${quoteIdent(name.name)}` : quoteIdent(name.name);
}

class Unrenderable extends Error {}

/** Expression text from the IR; frontends abbreviate what they cannot print with `…`. */
function expression(text: string | undefined, what: string): string {
  if (text === undefined || text.trim() === '' || text.includes('…'))
    throw new Unrenderable(`${what} is not known in full`);
  return text;
}

function typeSql(type: TypeRef): string {
  if (!type.text || type.name === 'unknown') throw new Unrenderable('the column type is not known');
  // `text` is already SQL (`varchar(255)`, `timestamptz`, `numeric(10,2)[]`); only a schema needs adding.
  // Interval field restrictions (`interval day to second`) arrive as opaque modifiers: keep plain interval.
  const text = type.name === 'interval' ? 'interval' + '[]'.repeat(type.arrayDims) : type.text;
  return type.schema ? `${quoteIdent(type.schema)}.${text}` : text;
}

function defaultSql(d: DefaultValue): string {
  if (d.computedIn) throw new Unrenderable(`the default is computed in ${d.computedIn} when the migration runs`);
  return expression(d.text, 'the default expression');
}

function columnList(columns: string[]): string {
  return columns.map(quoteIdent).join(', ');
}

function constraintBody(c: ConstraintDef): string {
  switch (c.type) {
    case 'primary-key':
      return c.usingIndex
        ? `PRIMARY KEY USING INDEX ${quoteIdent(c.usingIndex)}`
        : `PRIMARY KEY (${columnList(c.columns)})`;
    case 'unique':
      return c.usingIndex ? `UNIQUE USING INDEX ${quoteIdent(c.usingIndex)}` : `UNIQUE (${columnList(c.columns)})`;
    case 'foreign-key': {
      if (!c.references) throw new Unrenderable('the foreign key target is not known');
      const target = c.references.columns.length ? ` (${columnList(c.references.columns)})` : '';
      return `FOREIGN KEY (${columnList(c.columns)}) REFERENCES ${qualified(c.references.table)}${target}`;
    }
    case 'check':
      return `CHECK (${expression(c.expression, 'the CHECK expression')})`;
    case 'not-null':
      // Postgres 18 syntax for a named NOT NULL constraint.
      if (c.columns.length !== 1) throw new Unrenderable('a NOT NULL constraint needs exactly one column');
      return `NOT NULL ${quoteIdent(c.columns[0]!)}`;
    case 'exclusion':
      throw new Unrenderable('the IR does not describe exclusion constraints in full');
  }
}

function constraintSql(c: ConstraintDef, allowNotValid: boolean): string {
  const name = c.name ? `CONSTRAINT ${quoteIdent(c.name)} ` : '';
  const notValid = c.notValid && allowNotValid ? ' NOT VALID' : '';
  return `${name}${constraintBody(c)}${notValid}`;
}

/** An inline column constraint (REFERENCES, CHECK, UNIQUE, PRIMARY KEY) on the column itself. */
function inlineConstraintSql(c: ConstraintDef): string {
  const name = c.name ? `CONSTRAINT ${quoteIdent(c.name)} ` : '';
  switch (c.type) {
    case 'primary-key':
      return `${name}PRIMARY KEY`;
    case 'unique':
      return `${name}UNIQUE`;
    case 'foreign-key': {
      if (!c.references) throw new Unrenderable('the foreign key target is not known');
      const target = c.references.columns.length ? ` (${columnList(c.references.columns)})` : '';
      return `${name}REFERENCES ${qualified(c.references.table)}${target}`;
    }
    case 'check':
      return `${name}CHECK (${expression(c.expression, 'the CHECK expression')})`;
    default:
      throw new Unrenderable(`a ${c.type} column constraint cannot be rendered`);
  }
}

export function columnSql(col: ColumnDef): string {
  if (col.generated === 'stored') throw new Unrenderable(`the expression of generated column ${col.name} is not known`);
  const parts = [quoteIdent(col.name), typeSql(col.type)];
  const inline = col.constraints.filter((c) => c.type !== 'not-null');
  if (col.primaryKey && !inline.some((c) => c.type === 'primary-key')) parts.push('PRIMARY KEY');
  if (col.unique && !inline.some((c) => c.type === 'unique')) parts.push('UNIQUE');
  for (const c of inline) parts.push(inlineConstraintSql(c));
  if (col.generated === 'identity') parts.push('GENERATED BY DEFAULT AS IDENTITY');
  else if (col.notNull && !col.primaryKey) parts.push('NOT NULL');
  if (col.default) parts.push(`DEFAULT ${defaultSql(col.default)}`);
  return parts.join(' ');
}

/** `email` stays a column name; `lower(email)` becomes an expression in parentheses. */
function indexElement(column: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(column)) return quoteIdent(column);
  return `(${expression(column, 'the index expression')})`;
}

/** The `ALTER TABLE` action of an op that is one, else undefined (so several can share one statement). */
export function alterTableAction(op: Operation): string | undefined {
  switch (op.kind) {
    case 'add-column':
      return `ADD COLUMN ${op.ifNotExists ? 'IF NOT EXISTS ' : ''}${columnSql(op.column)}`;
    case 'drop-column':
      return `DROP COLUMN ${op.ifExists ? 'IF EXISTS ' : ''}${quoteIdent(op.column)}${op.cascade ? ' CASCADE' : ''}`;
    case 'alter-column-type':
      return `ALTER COLUMN ${quoteIdent(op.column)} TYPE ${typeSql(op.newType)}${op.using ? ` USING ${expression(op.using, 'the USING expression')}` : ''}`;
    case 'set-not-null':
      return `ALTER COLUMN ${quoteIdent(op.column)} SET NOT NULL`;
    case 'drop-not-null':
      return `ALTER COLUMN ${quoteIdent(op.column)} DROP NOT NULL`;
    case 'set-default':
      return op.default
        ? `ALTER COLUMN ${quoteIdent(op.column)} SET DEFAULT ${defaultSql(op.default)}`
        : `ALTER COLUMN ${quoteIdent(op.column)} DROP DEFAULT`;
    case 'add-constraint':
      return `ADD ${constraintSql(op.constraint, true)}`;
    case 'drop-constraint':
      return `DROP CONSTRAINT ${op.ifExists ? 'IF EXISTS ' : ''}${quoteIdent(op.name)}${op.cascade ? ' CASCADE' : ''}`;
    case 'validate-constraint':
      return `VALIDATE CONSTRAINT ${quoteIdent(op.name)}`;
    default:
      return undefined;
  }
}

function renderOrThrow(op: Operation): string {
  const action = alterTableAction(op);
  if (action !== undefined) return `ALTER TABLE ${qualified((op as { table: QualifiedName }).table)} ${action}`;
  switch (op.kind) {
    case 'create-table': {
      if (op.asSelect) throw new Unrenderable('CREATE TABLE … AS: the query is not known');
      if (op.partitioned) throw new Unrenderable('the partition key of a partitioned table is not known');
      const elements = [...op.columns.map(columnSql), ...op.constraints.map((c) => constraintSql(c, false))];
      return `CREATE ${op.temporary ? 'TEMPORARY ' : ''}TABLE ${op.ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(op.table)} (${elements.join(', ')})`;
    }
    case 'drop-table':
      return `DROP TABLE ${op.ifExists ? 'IF EXISTS ' : ''}${op.tables.map(qualified).join(', ')}${op.cascade ? ' CASCADE' : ''}`;
    case 'rename-table':
      return `ALTER TABLE ${qualified(op.table)} RENAME TO ${quoteIdent(op.newName)}`;
    case 'rename-column':
      return `ALTER TABLE ${qualified(op.table)} RENAME COLUMN ${quoteIdent(op.column)} TO ${quoteIdent(op.newName)}`;
    case 'create-index': {
      if (op.columns.length === 0) throw new Unrenderable('the indexed columns are not known');
      const head = `CREATE ${op.unique ? 'UNIQUE ' : ''}INDEX ${op.concurrently ? 'CONCURRENTLY ' : ''}${op.ifNotExists ? 'IF NOT EXISTS ' : ''}`;
      const name = op.name ? `${quoteIdent(op.name)} ` : '';
      const where = op.where ? ` WHERE ${expression(op.where, 'the index predicate')}` : '';
      return `${head}${name}ON ${qualified(op.table)} (${op.columns.map(indexElement).join(', ')})${where}`;
    }
    case 'drop-index':
      return `DROP INDEX ${op.concurrently ? 'CONCURRENTLY ' : ''}${op.ifExists ? 'IF EXISTS ' : ''}${op.indexes.map(qualified).join(', ')}${op.cascade ? ' CASCADE' : ''}`;
    case 'reindex': {
      const target = op.target.toUpperCase();
      const name = op.target === 'system' || op.target === 'database' ? quoteIdent(op.name.name) : qualified(op.name);
      return `REINDEX ${target} ${op.concurrently ? 'CONCURRENTLY ' : ''}${name}`;
    }
    case 'add-enum-value': {
      const where =
        op.position?.before !== undefined
          ? ` BEFORE ${quoteLiteral(op.position.before)}`
          : op.position?.after !== undefined
            ? ` AFTER ${quoteLiteral(op.position.after)}`
            : '';
      return `ALTER TYPE ${qualified(op.type)} ADD VALUE ${op.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteLiteral(op.value)}${where}`;
    }
    case 'create-domain':
    case 'alter-domain':
      throw new Unrenderable('domains come from SQL files, which trace runs as written');
    case 'attach-partition':
      return `ALTER TABLE ${qualified(op.table)} ATTACH PARTITION ${qualified(op.partition)} ${op.bound.text}`;
    case 'detach-partition':
      return `ALTER TABLE ${qualified(op.table)} DETACH PARTITION ${qualified(op.partition)}${op.mode === 'concurrently' ? ' CONCURRENTLY' : op.mode === 'finalize' ? ' FINALIZE' : ''}`;
    case 'truncate':
      return `TRUNCATE ${op.tables.map(qualified).join(', ')}${op.cascade ? ' CASCADE' : ''}`;
    case 'set-setting':
      if (op.value === undefined) return `RESET ${op.name}`;
      return `SET ${op.local ? 'LOCAL ' : ''}${op.name} TO ${expression(op.value, 'the setting value')}`;
    case 'drop-database':
      throw new Unrenderable('trace never drops a database');
    case 'drop-schema':
      return `DROP SCHEMA ${op.ifExists ? 'IF EXISTS ' : ''}${op.schemas.map((name) => qualified({ name })).join(', ')}${op.cascade ? ' CASCADE' : ''}`;
    case 'rename-schema':
      return `ALTER SCHEMA ${qualified({ name: op.schema })} RENAME TO ${qualified({ name: op.newName })}`;
    case 'transaction':
      throw new Unrenderable('transaction control is handled by trace');
    case 'data-change':
      throw new Unrenderable(
        `the ${op.statementType}${op.table ? ` on ${qualified(op.table)}` : ''} is not described in the IR`,
      );
    case 'other':
      throw new Unrenderable(
        `the ${op.statementType}${op.table ? ` on ${qualified(op.table)}` : ''} statement is not described in the IR`,
      );
    case 'unknown':
      throw new Unrenderable(`the frontend did not understand ${op.call} (${op.reason})`);
    default:
      throw new Unrenderable(`${(op as Operation).kind} cannot be rendered`);
  }
}

/** One op as SQL, or why it cannot be. */
export function renderOp(op: Operation): Rendered {
  try {
    return { sql: renderOrThrow(op) };
  } catch (e) {
    if (e instanceof Unrenderable) return { skip: e.message };
    throw e;
  }
}

function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  return a.name === b.name && (a.schema ?? 'public') === (b.schema ?? 'public');
}

/**
 * The ops of one source statement (one framework call) as SQL statements: consecutive ALTER TABLE
 * actions on the same table become one ALTER TABLE, as the framework would send them; anything
 * else is one statement per op. Returns the rendered statements, each with its ops, or a skip reason.
 */
export function renderStatement(ops: Operation[]): { ops: Operation[]; rendered: Rendered }[] {
  const out: { ops: Operation[]; rendered: Rendered }[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i]!;
    let action: string | undefined;
    let failed: string | undefined;
    try {
      action = alterTableAction(op);
    } catch (e) {
      if (!(e instanceof Unrenderable)) throw e;
      failed = e.message;
    }
    if (failed !== undefined) {
      out.push({ ops: [op], rendered: { skip: failed } });
      i++;
      continue;
    }
    if (action === undefined) {
      out.push({ ops: [op], rendered: renderOp(op) });
      i++;
      continue;
    }
    const table = (op as { table: QualifiedName }).table;
    const group = [op];
    const actions = [action];
    let j = i + 1;
    while (j < ops.length) {
      const next = ops[j]!;
      if (!('table' in next) || !next.table || !sameTable(next.table, table)) break;
      let nextAction: string | undefined;
      try {
        nextAction = alterTableAction(next);
      } catch (e) {
        if (!(e instanceof Unrenderable)) throw e;
        break;
      }
      if (nextAction === undefined) break;
      group.push(next);
      actions.push(nextAction);
      j++;
    }
    out.push({ ops: group, rendered: { sql: `ALTER TABLE ${qualified(table)} ${actions.join(', ')}` } });
    i = j;
  }
  return out;
}

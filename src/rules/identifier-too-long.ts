import type { Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { MAX_IDENTIFIER_BYTES, truncateIdentifier, utf8ByteLength } from '../ir/identifiers.js';

function pushQualified(n: QualifiedName, out: string[]): void {
  if (n.schema) out.push(n.schema);
  out.push(n.name);
}

function pushName(c: { name?: string | undefined }, out: string[]): void {
  if (c.name) out.push(c.name);
}

/**
 * Names an op passes to Postgres as strings (TS/JS and Alembic frontends keep them whole; SQL ops carry
 * `longIdentifiers`), pushed onto `out` in the order they appear. Pushed, not spread: this runs for most ops.
 */
function namesOf(op: Operation, out: string[]): void {
  switch (op.kind) {
    case 'create-table':
      pushQualified(op.table, out);
      for (const c of op.columns) out.push(c.name);
      for (const c of op.constraints) pushName(c, out);
      for (const col of op.columns) for (const c of col.constraints) pushName(c, out);
      return;
    case 'add-column':
      pushQualified(op.table, out);
      out.push(op.column.name);
      for (const c of op.column.constraints) pushName(c, out);
      return;
    case 'rename-table':
      pushQualified(op.table, out);
      out.push(op.newName);
      return;
    case 'rename-column':
      pushQualified(op.table, out);
      out.push(op.column, op.newName);
      return;
    case 'create-index':
      pushQualified(op.table, out);
      pushName(op, out);
      return;
    case 'add-constraint':
      pushQualified(op.table, out);
      pushName(op.constraint, out);
      return;
    case 'drop-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
      pushQualified(op.table, out);
      out.push(op.column);
      return;
    case 'drop-constraint':
    case 'validate-constraint':
      pushQualified(op.table, out);
      out.push(op.name);
      return;
    case 'drop-table':
    case 'truncate':
      for (const t of op.tables) pushQualified(t, out);
      return;
    case 'drop-index':
      for (const ix of op.indexes) pushQualified(ix, out);
      return;
    case 'create-domain':
    case 'alter-domain':
      pushQualified(op.name, out);
      return;
    case 'attach-partition':
    case 'detach-partition':
      pushQualified(op.table, out);
      pushQualified(op.partition, out);
      return;
    default:
      return;
  }
}

/** A name of at most this many UTF-16 code units is at most 63 bytes in UTF-8 (3 bytes a unit at most). */
const SURELY_SHORT = Math.floor(MAX_IDENTIFIER_BYTES / 3);

export const identifierTooLong: Rule = {
  meta: {
    id: 'identifier-too-long',
    severity: 'warning',
    squawk: true,
    summary:
      'Postgres silently truncates identifiers longer than 63 bytes, so the object gets a name other than the one written.',
    docs: {
      what:
        'Flags table, column, index, constraint, schema and domain names longer than 63 bytes (UTF-8), in SQL and in the names ' +
        'a framework sends (`knex.schema.createTable(…)`, Alembic `op.create_index(…)`, …).',
      why:
        'Postgres keeps at most 63 bytes of an identifier (NAMEDATALEN − 1) and cuts the rest with only a NOTICE. The object ' +
        'then exists under a name nobody wrote: code and later migrations that look it up by its full name in the catalog ' +
        '(`pg_indexes`, `information_schema`, an ORM comparing its schema) do not find it, and two long names that share their ' +
        'first 63 bytes collide (`relation … already exists`) — typically generated index and constraint names such as ' +
        '`<table>_<column>_<column>_foreign`.',
      instead:
        'Choose a name of at most 63 bytes, and give generated names an explicit short one:\n\n' +
        '```sql\n' +
        'CREATE INDEX order_items_customer_ref_idx ON order_items (customer_reference_number, fulfilment_center_code);\n' +
        '```',
    },
  },
  create(context) {
    const names: string[] = [];
    const check = (op: Operation) => {
      for (const long of op.longIdentifiers ?? []) {
        context.report(
          op,
          `Identifier "${long.text}" is ${utf8ByteLength(long.text)} bytes long: Postgres truncates it to ${MAX_IDENTIFIER_BYTES} bytes, "${long.truncated}".`,
          {
            span: long.span,
            help: `Use a name of at most ${MAX_IDENTIFIER_BYTES} bytes.`,
          },
        );
      }
      names.length = 0;
      namesOf(op, names);
      if (!names.some((name) => name.length > SURELY_SHORT)) return;
      for (const name of new Set(names)) {
        const bytes = utf8ByteLength(name);
        if (bytes <= MAX_IDENTIFIER_BYTES) continue;
        context.report(
          op,
          `Identifier "${name}" is ${bytes} bytes long: Postgres truncates it to ${MAX_IDENTIFIER_BYTES} bytes, "${truncateIdentifier(name)}".`,
          {
            help: `Use a name of at most ${MAX_IDENTIFIER_BYTES} bytes.`,
          },
        );
      }
    };
    const visitor: Record<string, (op: Operation) => void> = {};
    for (const kind of [
      'create-table',
      'add-column',
      'rename-table',
      'rename-column',
      'create-index',
      'add-constraint',
      'drop-column',
      'alter-column-type',
      'set-not-null',
      'drop-not-null',
      'set-default',
      'drop-constraint',
      'validate-constraint',
      'drop-table',
      'truncate',
      'drop-index',
      'create-domain',
      'alter-domain',
      'attach-partition',
      'detach-partition',
      'other',
      'data-change',
      'reindex',
      'add-enum-value',
      'drop-schema',
      'rename-schema',
    ])
      visitor[kind] = check;
    return visitor;
  },
};

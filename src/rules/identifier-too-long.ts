import type { Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { MAX_IDENTIFIER_BYTES, truncateIdentifier, utf8ByteLength } from '../ir/identifiers.js';

/** Names an op passes to Postgres as strings (TS/JS and Alembic frontends keep them whole; SQL ops carry `longIdentifiers`). */
function namesOf(op: Operation): string[] {
  const q = (n: QualifiedName) => (n.schema ? [n.schema, n.name] : [n.name]);
  switch (op.kind) {
    case 'create-table':
      return [
        ...q(op.table),
        ...op.columns.map((c) => c.name),
        ...[...op.constraints, ...op.columns.flatMap((c) => c.constraints)].flatMap((c) => (c.name ? [c.name] : [])),
      ];
    case 'add-column':
      return [...q(op.table), op.column.name, ...op.column.constraints.flatMap((c) => (c.name ? [c.name] : []))];
    case 'rename-table':
      return [...q(op.table), op.newName];
    case 'rename-column':
      return [...q(op.table), op.column, op.newName];
    case 'create-index':
      return [...q(op.table), ...(op.name ? [op.name] : [])];
    case 'add-constraint':
      return [...q(op.table), ...(op.constraint.name ? [op.constraint.name] : [])];
    case 'drop-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
      return [...q(op.table), op.column];
    case 'drop-constraint':
    case 'validate-constraint':
      return [...q(op.table), op.name];
    case 'drop-table':
    case 'truncate':
      return op.tables.flatMap(q);
    case 'drop-index':
      return op.indexes.flatMap(q);
    case 'create-domain':
    case 'alter-domain':
      return q(op.name);
    case 'attach-partition':
    case 'detach-partition':
      return [...q(op.table), ...q(op.partition)];
    default:
      return [];
  }
}

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
      for (const name of new Set(namesOf(op))) {
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

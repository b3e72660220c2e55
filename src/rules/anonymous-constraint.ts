import type { ConstraintDef, Operation, QualifiedName } from '../ir/types.js';
import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';

/** The suffix Postgres appends to a generated constraint name. */
const SUFFIX: Partial<Record<ConstraintDef['type'], string>> = {
  'foreign-key': 'fkey',
  unique: 'key',
  check: 'check',
  exclusion: 'excl',
};

const LABEL: Partial<Record<ConstraintDef['type'], string>> = {
  'foreign-key': 'FOREIGN KEY',
  unique: 'UNIQUE',
  check: 'CHECK',
  exclusion: 'EXCLUDE',
};

/** Identifiers are limited to 63 bytes (NAMEDATALEN - 1). */
const MAX_NAME = 63;

/**
 * Postgres's generated name: `<table>_<col>[_<col>…]_<suffix>`; when too long, the longer of the table
 * and column parts is shortened one character at a time until it fits. (ASCII names; a multi-byte
 * name is clipped on a character boundary by Postgres, which this ignores.)
 */
export function generatedConstraintName(table: string, columns: readonly string[], suffix: string): string {
  let name1 = table;
  let name2 = columns.join('_');
  const overhead = suffix.length + 1 + (name2 ? 1 : 0);
  while (name1.length + name2.length > MAX_NAME - overhead) {
    if (name1.length > name2.length) name1 = name1.slice(0, -1);
    else name2 = name2.slice(0, -1);
  }
  return name2 ? `${name1}_${name2}_${suffix}` : `${name1}_${suffix}`;
}

function describe(c: ConstraintDef): string {
  const label = LABEL[c.type] ?? c.type;
  if (c.type === 'foreign-key' && c.references) {
    const target = c.references.columns.length ? ` (${c.references.columns.join(', ')})` : '';
    return `${label} (${c.columns.join(', ')}) REFERENCES ${tableName(c.references.table)}${target}`;
  }
  if (c.type === 'check') return `${label} (${c.expression ?? '…'})`;
  return c.columns.length ? `${label} (${c.columns.join(', ')})` : label;
}

/** The constraint as a column constraint clause: `REFERENCES users`, `UNIQUE`, `CHECK (…)`. */
function inlineClause(c: ConstraintDef): string {
  if (c.type === 'foreign-key') {
    const target = c.references?.columns.length ? ` (${c.references.columns.join(', ')})` : '';
    return `REFERENCES ${c.references ? tableName(c.references.table) : '…'}${target}`;
  }
  if (c.type === 'check') return `CHECK (${c.expression ?? '…'})`;
  return LABEL[c.type] ?? '';
}

export const anonymousConstraint: Rule = {
  meta: {
    id: 'anonymous-constraint',
    severity: 'warning',
    summary:
      'A FOREIGN KEY, UNIQUE or CHECK constraint added to an existing table without a name gets one Postgres makes up.',
    docs: {
      what:
        'Flags `ALTER TABLE … ADD FOREIGN KEY/UNIQUE/CHECK/EXCLUDE …` without `CONSTRAINT <name>`, and ' +
        '`ADD COLUMN … REFERENCES/UNIQUE/CHECK …` whose inline constraint has no name, on a table that existed before ' +
        'this migration. Not flagged: constraints in `CREATE TABLE` and on tables created earlier in the same migration ' +
        '(the table is new, so nothing can already hold the generated name and it comes out the same everywhere), ' +
        "`PRIMARY KEY` (always `<table>_pkey`), and `… USING INDEX` (the constraint takes the index's name). " +
        'Severity warning: the statement itself is safe; what breaks is a later migration or downgrade.',
      why:
        'Postgres names the constraint `<table>_<columns>_<suffix>` — `orders_user_id_fkey`, `orders_ref_key` (unique), ' +
        '`orders_amount_check` (a check on one column; `orders_check` when the expression uses several), ' +
        '`orders_id_excl` — clipped to 63 bytes, and when that name is already taken it appends a number: ' +
        '`orders_user_id_fkey1`, `orders_amount_check1`. Check and foreign-key names only collide within the table, but ' +
        'unique and exclusion constraints create an index whose name must be free in the whole schema. So the name ' +
        'depends on what the target database already holds (a constraint added by hand in production, a half-applied ' +
        'earlier run, an older column of the same name) and can differ between environments. A later ' +
        '`DROP CONSTRAINT`, `VALIDATE CONSTRAINT` (needed after `NOT VALID`) or downgrade written against the expected ' +
        'name then fails — or drops a different constraint — in exactly the environment that differs.',
      instead:
        'Name every constraint you add to an existing table:\n\n' +
        '```sql\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;\n' +
        'ALTER TABLE orders ADD COLUMN buyer_id bigint CONSTRAINT orders_buyer_id_fkey REFERENCES users (id);\n' +
        '```',
    },
  },
  create(context) {
    const check = (op: Operation, table: QualifiedName, c: ConstraintDef, inColumn?: string) => {
      const suffix = SUFFIX[c.type];
      if (!suffix || c.name !== undefined || c.usingIndex !== undefined) return;
      // A table-level CHECK names its column only when the expression uses exactly one; the IR does not say
      // which. Exclusion constraints name their elements, which the IR does not list.
      const columns = c.type === 'check' && inColumn === undefined ? [] : c.columns;
      const generated = generatedConstraintName(table.name, columns, suffix);
      const shown =
        c.type === 'check' && inColumn === undefined
          ? `${table.name}_<column>_check or ${generated}`
          : c.type === 'exclusion' && columns.length === 0
            ? `${table.name}_<columns>_excl`
            : generated;
      const validate = c.notValid ? ', and VALIDATE CONSTRAINT needs it' : '';
      const where = inColumn ? ` on new column ${inColumn}` : '';
      context.report(
        op,
        `${describe(c)}${where} is added to ${tableName(table)} without a name: Postgres generates one (${shown}, with a number appended if that name is taken), so later migrations and downgrades cannot rely on it${validate}.`,
        {
          span: c.span ?? op.span,
          help: inColumn
            ? `Name it inline: ADD COLUMN ${inColumn} … CONSTRAINT ${generated} ${inlineClause(c)}`
            : `Name it: ALTER TABLE ${tableName(table)} ADD CONSTRAINT ${shown.includes('<') ? `${table.name}_…_${suffix}` : generated} ${describe(c)}${c.notValid ? ' NOT VALID' : ''};`,
        },
      );
    };
    return {
      'add-constraint'(op) {
        if (context.isNewTable(op.table)) return;
        check(op, op.table, op.constraint);
      },
      'add-column'(op) {
        if (context.isNewTable(op.table)) return;
        for (const c of op.column.constraints) check(op, op.table, c, op.column.name);
      },
    };
  },
};

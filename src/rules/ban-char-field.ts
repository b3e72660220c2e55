import type { Rule } from './types.js';
import { columnTypeVisitors, describeUse } from './support/column-type-visitors.js';

export const banCharField: Rule = {
  meta: {
    id: 'ban-char-field',
    severity: 'warning',
    squawk: true,
    summary: 'char(n)/character(n) pads values with spaces; use text (with a CHECK on the length) or varchar.',
    docs: {
      what:
        'Flags columns created as, or changed to, `char`, `char(n)`, `character(n)` or `bpchar` in `CREATE TABLE`, ' +
        '`ADD COLUMN` and `ALTER COLUMN … TYPE`.',
      why:
        '`char(n)` pads every value with spaces to n characters. The padding is ignored when two `char` values are ' +
        'compared, but not by `LIKE`, regular expressions or clients, and it is stripped when the value is cast to ' +
        "`text` — so `'ab'::char(3)` equals `'ab '` in one expression and not in the next. Plain `char` means " +
        '`char(1)`. It is no faster and no smaller than ' +
        '`text`. Getting rid of it later is expensive: changing the column to `text`, `varchar` or another length ' +
        'rewrites the whole table under an `ACCESS EXCLUSIVE` lock.',
      instead:
        'Use `text`, with a CHECK for a fixed length:\n\n' +
        '```sql\n' +
        'ALTER TABLE countries ADD COLUMN iso_code text;\n' +
        'ALTER TABLE countries ADD CONSTRAINT countries_iso_code_length CHECK (length(iso_code) = 2) NOT VALID;\n' +
        'ALTER TABLE countries VALIDATE CONSTRAINT countries_iso_code_length;\n' +
        '```',
    },
  },
  create(context) {
    return columnTypeVisitors((use) => {
      if (use.type.name !== 'bpchar') return;
      const n = use.type.modifiers[0];
      context.report(
        use.op,
        `${describeUse(use)}: char(n) pads values with spaces, which comparisons ignore but LIKE, casts to text and clients do not.`,
        {
          span: use.span,
          help: `Use text${n !== undefined ? ` with CHECK (length(${use.column}) = ${n})` : ''} for ${use.column}.`,
        },
      );
    });
  },
};

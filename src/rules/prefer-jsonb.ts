import type { Rule } from './types.js';
import { columnTypeVisitors, describeUse } from './support/column-type-visitors.js';

export const preferJsonb: Rule = {
  meta: {
    id: 'prefer-jsonb',
    severity: 'warning',
    summary:
      'json stores the document as text: no equality operator, no GIN index, re-parsed on every access. jsonb is almost always meant.',
    docs: {
      what: 'Flags columns created as, or changed to, `json` (arrays too) in `CREATE TABLE`, `ADD COLUMN` and `ALTER COLUMN … TYPE`.',
      why:
        '`json` keeps the input text as written (whitespace, key order, duplicate keys) and re-parses it on every operator call. ' +
        'It has no equality operator, so `SELECT DISTINCT`, `GROUP BY`, `UNION` and unique constraints on it fail (`could not ' +
        'identify an equality operator for type json`), and no GIN operator class, so `@>`/`?` queries cannot use an index. ' +
        '`jsonb` stores a parsed binary form, supports all of those, and is what ORMs mean by a JSON column in almost every case. ' +
        'Changing the type later (`ALTER COLUMN … TYPE jsonb`) rewrites the table under an `ACCESS EXCLUSIVE` lock.',
      instead:
        "Use `jsonb`:\n\n```sql\nALTER TABLE events ADD COLUMN payload jsonb NOT NULL DEFAULT '{}';\n```\n\n" +
        'Keep `json` only when the exact input text (key order, duplicate keys) must be preserved, and say so in an ignore comment.',
    },
  },
  create(context) {
    return columnTypeVisitors((use) => {
      if (use.type.name !== 'json') return;
      context.report(
        use.op,
        `${describeUse(use)}: json keeps the raw text — no equality operator (DISTINCT, GROUP BY, UNIQUE fail) and no GIN index.`,
        {
          help: `Use jsonb${'[]'.repeat(use.type.arrayDims)} for ${use.column}, unless the exact input text must be kept.`,
        },
      );
    });
  },
};

import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';

const describe = (type: string) => (type === 'not-null' ? 'NOT NULL' : type === 'check' ? 'CHECK' : type.toUpperCase());

export const banCreateDomainWithConstraint: Rule = {
  meta: {
    id: 'ban-create-domain-with-constraint',
    severity: 'warning',
    squawk: true,
    summary:
      'A domain with a CHECK or NOT NULL constraint can only be changed later under locks on every table that uses it.',
    docs: {
      what: 'Flags `CREATE DOMAIN … CHECK (…)` and `CREATE DOMAIN … NOT NULL`: a domain that carries a constraint.',
      why:
        'Creating the domain locks nothing. The cost comes later: a domain constraint cannot be changed in place, and adding or ' +
        'validating one (`ALTER DOMAIN … ADD CONSTRAINT`, `… VALIDATE CONSTRAINT`, `… SET NOT NULL`) scans every column of every ' +
        'table that uses the domain while holding a `SHARE` lock on each of those tables, blocking their writes. Unlike a table ' +
        'constraint, `NOT VALID` does not help: the later `VALIDATE CONSTRAINT` takes the same `SHARE` locks (verified on ' +
        'PostgreSQL 15). Table and column constraints can be added `NOT VALID` and validated under a `SHARE UPDATE EXCLUSIVE` lock ' +
        'that lets reads and writes go on.',
      instead:
        'Keep the domain plain and put the rule on the columns as a table constraint, which can be added online:\n\n' +
        '```sql\n' +
        'CREATE DOMAIN price AS numeric(12, 2);\n' +
        'ALTER TABLE orders ADD COLUMN total price;\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n' +
        '```',
    },
  },
  create(context) {
    return {
      'create-domain'(op) {
        if (op.constraints.length === 0) return;
        const kinds = [...new Set(op.constraints.map((c) => describe(c.type)))].join(' and ');
        context.report(
          op,
          `Domain ${tableName(op.name)} is created with ${kinds}: changing a domain constraint later scans every table that uses the domain under a SHARE lock that blocks writes.`,
          {
            help: `Create ${tableName(op.name)} without constraints and add them to the columns as table constraints (ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT).`,
          },
        );
      },
    };
  },
};

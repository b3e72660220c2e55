import type { Rule } from './types.js';
import { opLock, tableName } from './support/helpers.js';

export const banAlterDomainWithAddConstraint: Rule = {
  meta: {
    id: 'ban-alter-domain-with-add-constraint',
    severity: 'error',
    squawk: true,
    summary:
      'ALTER DOMAIN … ADD CONSTRAINT scans every table that uses the domain under a SHARE lock that blocks writes.',
    docs: {
      what: 'Flags `ALTER DOMAIN … ADD CONSTRAINT`, with or without `NOT VALID`.',
      why:
        'To check existing values Postgres scans every column of every table that uses the domain, holding a `SHARE` lock on ' +
        'each of those tables until the transaction ends: their `INSERT`, `UPDATE` and `DELETE` wait for the whole scan. ' +
        '`NOT VALID` only postpones the scan: `ALTER DOMAIN … VALIDATE CONSTRAINT` takes the same `SHARE` locks (verified on ' +
        'PostgreSQL 15), so there is no online way to add a constraint to a domain that is in use.',
      instead:
        'Put the rule on the columns as table constraints, which can be added without blocking writes:\n\n' +
        '```sql\n' +
        'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\n' +
        'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;  -- SHARE UPDATE EXCLUSIVE: reads and writes go on\n' +
        '```',
    },
    lock: {
      mode: 'ShareLock',
      setup: 'CREATE DOMAIN price AS numeric(12, 2);\nCREATE TABLE orders (id bigint PRIMARY KEY, total price);',
      statement: 'ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);',
      relation: 'orders',
    },
  },
  create(context) {
    return {
      'alter-domain'(op) {
        if (op.action !== 'add-constraint') return;
        const domain = tableName(op.name);
        const target = `every table with a column of domain ${domain}`;
        const message = op.constraint?.notValid
          ? `Adding a constraint to domain ${domain} NOT VALID defers the check, but VALIDATE CONSTRAINT later scans ${target} under a SHARE lock that blocks writes; a domain constraint has no online path.`
          : `Adding a constraint to domain ${domain} scans ${target} under a SHARE lock that blocks their writes until the transaction ends.`;
        context.report(op, message, {
          lock: opLock(op, context),
          help: 'Add the rule as a table constraint on each column instead: ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT.',
        });
      },
    };
  },
};

import type { Rule } from './types.js';
import { tableName } from './support/helpers.js';

export const requireEnumValueOrdering: Rule = {
  meta: {
    id: 'require-enum-value-ordering',
    severity: 'warning',
    squawk: true,
    offByDefault:
      'appending a value at the end of an enum is what most migrations mean, and the order only matters where queries sort ' +
      'or compare by the enum (ORDER BY, <, >), which the migration cannot show.',
    summary: "ALTER TYPE … ADD VALUE without BEFORE/AFTER appends the value last in the enum's sort order.",
    docs: {
      what: 'Flags `ALTER TYPE … ADD VALUE` that gives no `BEFORE` or `AFTER` position.',
      why:
        'An enum sorts and compares in declaration order, not alphabetically. A value added without a position goes last, ' +
        "so `ORDER BY status` and range checks such as `status < 'shipped'` treat it as the greatest value, which is " +
        'rarely right for an ordered list (priorities, stages, sizes). The order cannot be changed later without recreating ' +
        'the type. (Adding a value takes no lock on the tables that use the enum.)',
      instead:
        "Say where the value belongs:\n\n```sql\nALTER TYPE order_status ADD VALUE 'packed' BEFORE 'shipped';\n```",
    },
  },
  create(context) {
    return {
      'add-enum-value'(op) {
        if (op.position) return;
        context.report(
          op,
          `ADD VALUE '${op.value}' to ${tableName(op.type)} gives no BEFORE or AFTER, so the value sorts after every existing value of the enum.`,
          {
            help: `Add BEFORE '<existing value>' or AFTER '<existing value>' if '${op.value}' belongs elsewhere in the enum's order.`,
          },
        );
      },
    };
  },
};

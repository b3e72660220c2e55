import type { Rule } from './types.js';
import { narrowIntegerCheck } from './prefer-bigint-over-int.js';

export const preferBigintOverSmallint: Rule = {
  meta: {
    id: 'prefer-bigint-over-smallint',
    severity: 'warning',
    squawk: true,
    summary: 'smallint (and smallserial) columns overflow at 32,767; widening them later rewrites the table.',
    docs: {
      what:
        'Flags columns created as, or changed to, `smallint`/`int2`/`smallserial` (arrays of them too), in `CREATE TABLE`, ' +
        "`ADD COLUMN` and `ALTER COLUMN … TYPE`. The 32-bit types are `prefer-bigint-over-int`'s, as in Squawk.",
      why:
        'A 16-bit column stops at 32,767: a counter, a position or a sequence-fed id gets there quickly, and from then on every ' +
        'write of a larger value fails with `smallint out of range`. Widening it then is `ALTER COLUMN … TYPE bigint`, which ' +
        'rewrites the whole table and every index on it under an `ACCESS EXCLUSIVE` lock, blocking reads and writes for the ' +
        'duration. `smallint` saves at most 6 bytes per value, often nothing once alignment padding is counted.',
      instead:
        'Use 64-bit integers:\n\n' +
        '```sql\n' +
        'ALTER TABLE playlists ADD COLUMN position bigint NOT NULL DEFAULT 0;\n' +
        'CREATE TABLE counters (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hits bigint NOT NULL);\n' +
        '```',
    },
  },
  create: narrowIntegerCheck({ int2: [16, '32,767'], smallserial: [16, '32,767'] }),
};

import type { Rule } from './types.js';

/** Longer than this, the queue behind a waiting ALTER lasts long enough to exhaust connection pools and time out requests. */
const LONGEST_HELPFUL_MS = 5_000;

function shown(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}min`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export const lockTimeoutTooLong: Rule = {
  meta: {
    id: 'lock-timeout-too-long',
    severity: 'warning',
    summary: `A lock_timeout over ${LONGEST_HELPFUL_MS / 1000}s lets a waiting schema change queue every query on its table for that long.`,
    docs: {
      what: `\`SET [LOCAL] lock_timeout\` to a value longer than ${LONGEST_HELPFUL_MS / 1000} seconds (\`'30s'\`, \`60000\`, \`'1min'\`).`,
      why:
        '`lock_timeout` exists because a statement waiting for a strong lock (`ACCESS EXCLUSIVE` for most `ALTER TABLE`s) makes ' +
        "every later query on the table queue behind it, reads included. The timeout bounds that outage: with `'30s'`, a " +
        'long-running transaction on the table means 30 seconds in which every request touching it hangs — long enough to fill ' +
        'connection pools and trip request timeouts, which is the outage `lock_timeout` was meant to prevent. A short timeout and ' +
        'a retry cost nothing when the table is quiet.',
      instead:
        "Keep it to a few seconds and retry the migration when it times out:\n\n```sql\nSET lock_timeout = '2s';\n" +
        'ALTER TABLE users ADD COLUMN plan text;\n```\n\nA retry loop in the deploy script (a few attempts, a pause between them) ' +
        'gets the migration through once the blocking transaction ends.',
    },
  },
  create(context) {
    return {
      'set-setting'(op) {
        if (op.name !== 'lock_timeout' || op.durationMs === undefined || op.durationMs <= LONGEST_HELPFUL_MS) return;
        context.report(
          op,
          `lock_timeout is set to ${shown(op.durationMs)}: while a statement waits that long for its lock, every query on the table queues behind it.`,
          {
            help: `Use a few seconds at most (SET lock_timeout = '2s';) and retry the migration when it times out.`,
          },
        );
      },
    };
  },
};

/**
 * scripts/ci-postgres.sh, as .ci/run uses it: sourced from a clean state, it starts Debian's
 * PostgreSQL on localhost (as an unprivileged user when run as root), exports
 * MIGRATION_LINT_TEST_DATABASE_URL, and stops the server and removes its files when the shell exits.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const hasServerBinaries = (() => {
  try {
    return readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
  } catch {
    return false;
  }
})();

describe('scripts/ci-postgres.sh', () => {
  it('starts a server that accepts connections at the exported URL, and cleans up when the shell exits', async (ctx) => {
    if (!hasServerBinaries)
      return ctx.skip(
        'no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql): script not tested',
      );
    const probe = [
      "import pg from 'pg';",
      'const c = new pg.Client({ connectionString: process.env.MIGRATION_LINT_TEST_DATABASE_URL });',
      'await c.connect();',
      'const r = await c.query("SELECT current_setting(\'server_version_num\') AS v, current_user AS u, inet_server_addr()::text AS addr");',
      'console.log(JSON.stringify({ ...r.rows[0], dir: process.env.MIGRATION_LINT_TEST_PG_DIR, url: process.env.MIGRATION_LINT_TEST_DATABASE_URL }));',
      'await c.end();',
    ].join(' ');
    // `set -u` as in .ci/run: the script must not trip over unset variables.
    const run = spawnSync(
      'bash',
      ['-c', `set -uo pipefail; source scripts/ci-postgres.sh || exit 3; node --input-type=module -e "$PROBE"`],
      {
        cwd: ROOT,
        env: { ...process.env, PROBE: probe, MIGRATION_LINT_TEST_DATABASE_URL: '' },
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
      v: string;
      u: string;
      addr: string;
      dir: string;
      url: string;
    };
    expect(Number(seen.v)).toBeGreaterThanOrEqual(120000);
    expect(seen.u).toBe('migration_lint');
    expect(seen.addr).toMatch(/^127\.0\.0\.1/);
    expect(seen.url).toMatch(/^postgres:\/\/migration_lint@127\.0\.0\.1:\d+\/postgres$/);
    expect(run.stderr).toMatch(/ci-postgres: PostgreSQL \d+/);
    // The EXIT trap stopped the server and removed its data directory.
    expect(existsSync(seen.dir)).toBe(false);
  }, 150_000);
});

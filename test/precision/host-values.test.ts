/**
 * Issue 9, class 2: a default the migration's own JavaScript or Python computes (`process.env.X`,
 * `new Date(0).toISOString()`, an imported constant, `json.dumps({})`) is sent to Postgres as a
 * literal, once: a constant, not a volatile SQL function. Only SQL the framework sends as SQL can be
 * volatile. Before Postgres 11 any default still rewrites the table, and the message says what the
 * value is instead of printing its source as SQL.
 */
import { describe, expect, it } from 'vitest';
import { lintFixtures, pinned } from './helpers.js';

const RULE = ['adding-field-with-default'];

describe('defaults computed by the migration when it runs (Postgres 14)', () => {
  it('Knex: only the SQL Knex sends as SQL is flagged', async () => {
    const findings = await lintFixtures('knex');
    expect(pinned(findings, RULE)).toEqual([
      '20240611101500_account_preferences.js:14 adding-field-with-default', // knex.raw('gen_random_uuid()')
      '20240611101500_account_preferences.js:15 adding-field-with-default', // knex.raw(UUID_SQL): SQL, text not shown
      '20240611113000_account_locale_sql.js:7 adding-field-with-default', // DEFAULT ${CLOCK_FN}(): a function the file does not show
    ]);
    const unread = findings.find((f) => f.rule === 'adding-field-with-default' && f.line === 15)!;
    expect(unread.message).toContain('`knex.raw(UUID_SQL)`, SQL text computed in JavaScript when the migration runs');
    expect(unread.message).not.toContain('DEFAULT knex.raw');
    // A `${}` part in the SQL text is code, not a function the SQL calls by that name.
    const spliced = findings.find((f) => f.rule === 'adding-field-with-default' && f.line === 7)!;
    expect(spliced.message).toContain(
      'the default is `${CLOCK_FN}()`, SQL text computed in JavaScript when the migration runs',
    );
    expect(spliced.message).not.toContain('calls ${');
  });

  it('Sequelize: defaultValue from a constant or a helper call is a value; Sequelize.literal is SQL', async () => {
    expect(pinned(await lintFixtures('sequelize'), RULE)).toEqual([
      '20240612090000-add-plan-to-workspaces.js:19 adding-field-with-default',
    ]);
  });

  it('node-pg-migrate: process.env is a value; pgm.func(clock_timestamp()) is volatile', async () => {
    const findings = (await lintFixtures('node-pg-migrate')).filter((f) => f.rule === 'adding-field-with-default');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('Adding column issued_at');
  });

  it('Kysely: col.defaultTo(config.x) and a Date are values; sql`random()` is volatile', async () => {
    const findings = (await lintFixtures('kysely')).filter((f) => f.rule === 'adding-field-with-default');
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('Adding column seed to project')]);
  });

  it('TypeORM pastes `default` into the SQL: a quoted template is a constant, an imported SQL string is unknown', async () => {
    const findings = (await lintFixtures('typeorm')).filter((f) => f.rule === 'adding-field-with-default');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.line).toBe(14);
    expect(findings[0]!.message).toContain(
      '`TOKEN_DEFAULT_SQL`, SQL text computed in JavaScript when the migration runs',
    );
  });

  it('Alembic: json.dumps({}), str(…) and f-strings are Python values; sa.text(NAME) and sa.func.* are SQL', async () => {
    const findings = (await lintFixtures('alembic')).filter((f) => f.rule === 'adding-field-with-default');
    expect(findings.map((f) => f.line)).toEqual([25, 26]);
    expect(findings[0]!.message).toContain('`sa.text(SLUG_SQL)`, SQL text computed in Python when the migration runs');
    for (const f of findings) expect(f.message).not.toMatch(/\)\(\)/); // never `DEFAULT json.dumps({})()`
  });
});

describe('before Postgres 11 every non-null default rewrites, computed or not', () => {
  it('Alembic: the message describes the Python value instead of printing it as SQL', async () => {
    const findings = (await lintFixtures('alembic', { pgVersion: 10 })).filter(
      (f) => f.rule === 'adding-field-with-default',
    );
    expect(findings.map((f) => f.line)).toEqual([22, 23, 24, 25, 26]);
    expect(findings[0]!.message).toContain(
      '(here `json.dumps({})`, a value computed in Python when the migration runs)',
    );
    expect(findings.map((f) => f.message).join('\n')).not.toContain('json.dumps({})()');
  });

  it('Knex: each computed value is still a rewrite, described as a JavaScript value', async () => {
    const findings = (await lintFixtures('knex', { pgVersion: 10 })).filter(
      (f) => f.rule === 'adding-field-with-default',
    );
    const messages = findings.filter((f) => f.file.endsWith('account_preferences.js')).map((f) => f.message);
    expect(messages).toHaveLength(7);
    expect(messages[0]).toContain('(here `DEFAULT_LOCALE`, a value computed in JavaScript when the migration runs)');
    expect(messages[2]).toContain("`process.env.DEFAULT_REGION || 'eu-west-1'`, a value computed in JavaScript");
  });
});

/**
 * The composite GitHub Action, run the way the runner runs it: action.yml is read with a real YAML
 * parser (PyYAML, which pre-commit depends on), each `run:` step's `${{ }}` expressions are evaluated
 * against a pull-request-like context, and the step runs with `bash --noprofile --norc -eo pipefail`
 * in a temporary workspace. `uses:` steps (actions/setup-node, actions/cache) are skipped: Node is
 * already here, and the npm cache starts empty.
 *
 * The action is a clean checkout of this repository (its files, no node_modules, no dist), and npm
 * talks to a local registry holding the packed release (test/helpers/local-registry.ts), so the
 * install step really installs `migration-lint@<version>` and its runtime dependencies, offline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMMENT_MARKER } from '../../src/action/job-summary.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { type LocalRegistry, npmEnvFor, startLocalRegistry } from '../helpers/local-registry.js';
import {
  cli,
  commitAll,
  git,
  gitRepo,
  onlyRules,
  readYaml,
  REPO_ROOT,
  SAMPLE_MIGRATIONS,
  tempDir,
  writeFiles,
} from './helpers.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  /** YAML reads `1` or `true` as a number or boolean. */
  env?: Record<string, string | number | boolean>;
  'working-directory'?: string;
  with?: Record<string, string>;
}
interface ActionMetadata {
  name: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const readAction = () => readYaml(join(REPO_ROOT, 'action.yml')) as ActionMetadata;

interface RunnerContext {
  inputs: Record<string, string>;
  github: Record<string, string>;
  runner: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** Evaluates the `${{ a.b }}` property lookups the action uses; anything else fails the test. */
function evaluate(text: string, ctx: RunnerContext): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(inputs|github|runner|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))?$/.exec(expr);
    if (!m) throw new Error(`unsupported expression in action.yml: ${expr}`);
    if (m[1] === 'steps') return ctx.steps[m[2]!]?.outputs[m[3]!] ?? '';
    const value = ctx[m[1] as 'inputs' | 'github' | 'runner'][m[2]!];
    if (value === undefined) throw new Error(`unknown ${m[1]} property: ${m[2]}`);
    return value;
  });
}

interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** What the steps appended to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** $RUNNER_TEMP of the run. */
  runnerTemp: string;
}

function runScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    // Asynchronous: the local registry and the fake GitHub API answer from this process.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ status: code ?? 1, stdout, stderr }));
  });
}

interface RunOptions {
  given: Record<string, string>;
  github: Record<string, string>;
  /** Extra environment (the runner's GITHUB_* variables, npm's registry). */
  env?: Record<string, string>;
}

/** Runs the action's steps; stops at the first failing step, as the runner does. */
async function runAction(
  action: ActionMetadata,
  workspace: string,
  actionPath: string,
  options: RunOptions,
): Promise<ActionRun> {
  const inputs: Record<string, string> = {};
  const temp = tempDir('ml-runner-');
  const ctx: RunnerContext = {
    inputs,
    github: { action_path: actionPath, workspace, token: 'ghs_test-token', ...options.github },
    runner: { temp, os: 'Linux' },
    steps: {},
  };
  for (const [name, spec] of Object.entries(action.inputs))
    inputs[name] = options.given[name] ?? evaluate(spec.default ?? '', ctx);
  const summaryFile = join(temp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  let stdout = '';
  let stderr = '';
  let status = 0;
  const outputs: Record<string, string> = {};
  for (const [n, step] of action.runs.steps.entries()) {
    if (status !== 0 || step.uses) continue;
    expect(step.shell).toBe('bash');
    const script = join(temp, `step${n}.sh`);
    writeFileSync(script, evaluate(step.run!, ctx));
    const outputFile = join(temp, `output${n}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      CI: 'true',
      ...options.env,
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), ctx);
    const cwd = resolve(workspace, evaluate(step['working-directory'] ?? '.', ctx));
    const r = await runScript(script, cwd, env);
    stdout += r.stdout;
    stderr += r.stderr;
    status = r.status;
    const stepOutputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) stepOutputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id) ctx.steps[step.id] = { outputs: stepOutputs };
  }
  for (const [name, spec] of Object.entries(action.outputs)) outputs[name] = evaluate(spec.value, ctx);
  return { status, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8'), runnerTemp: temp };
}

/** A clean checkout of the action's repository: its files as git sees them, no node_modules, no dist. */
function checkoutAction(): string {
  const dir = join(tempDir('ml-action-'), 'migration-lint');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO_ROOT, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file));
  }
  return dir;
}

/** The repositories' config: the rules the assertions are about (others may flag the same SQL). */
const TEAM_CONFIG = JSON.stringify({ rules: onlyRules() });

const annotations = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));

const PACKAGE = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('action.yml', () => {
  let action: ActionMetadata;
  let actionPath: string;
  let registry: LocalRegistry;
  /** npm's cache, empty at first, shared by the runs as actions/cache would keep it. */
  let npmEnv: Record<string, string>;

  beforeAll(async () => {
    action = readAction();
    actionPath = checkoutAction();
    registry = await startLocalRegistry(inject('packedTarball'));
    npmEnv = npmEnvFor(registry, tempDir('ml-npm-cache-'));
  });
  afterAll(async () => {
    await registry.close();
  });

  const run = (
    workspace: string,
    given: Record<string, string>,
    github: Record<string, string>,
    env: Record<string, string> = {},
  ) => runAction(action, workspace, actionPath, { given, github, env: { ...npmEnv, ...env } });

  it('declares the documented inputs, with since defaulting to the pull request base branch', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining([
        'paths',
        'pg-version',
        'format',
        'fail-on',
        'since',
        'config',
        'sarif-file',
        'comment',
        'github-token',
      ]),
    );
    expect(action.inputs.since!.default).toBe('${{ github.base_ref }}');
    expect(action.inputs.format!.default).toBe('github');
    expect(action.inputs.comment!.default).toBe('false');
    expect(action.inputs['github-token']!.default).toBe('${{ github.token }}');
    expect(action.runs.steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    for (const step of action.runs.steps) if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*inputs\./); // inputs only via env
    // npm's downloads are cached between runs, keyed by the version the action installs
    const cache = action.runs.steps.find((st) => st.uses?.startsWith('actions/cache@'))!;
    expect(cache.with).toEqual({
      path: '${{ steps.package.outputs.npm-cache }}',
      key: 'migration-lint-npm-${{ runner.os }}-${{ steps.package.outputs.version }}',
    });
  });

  it('on a pull request: installs the release with runtime dependencies only, lints the changed migrations, annotates them, writes SARIF and the job summary, and fails', async () => {
    const repo = gitRepo();
    writeFiles(repo, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': TEAM_CONFIG });
    commitAll(repo, 'existing migrations');
    git(repo, 'checkout', '-q', '-b', 'add-orders-index');
    writeFiles(repo, {
      'db/migrations/005_orders_created_at.sql': 'CREATE INDEX orders_created_at_idx ON orders (created_at);\n',
    });
    commitAll(repo, 'orders.created_at index');

    const github = await startFakeGitHub('acme/shop', 'ghs_test-token');
    const event = join(tempDir('ml-event-'), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 12, head: { sha: 'abc123' } } }));
    const r = await run(
      repo,
      { paths: 'db/migrations', 'sarif-file': 'migration-lint.sarif', comment: 'true' },
      { base_ref: 'main', event_name: 'pull_request' },
      { GITHUB_API_URL: github.apiUrl, GITHUB_REPOSITORY: 'acme/shop', GITHUB_EVENT_PATH: event },
    ).finally(() => github.close());
    expect(r.stderr).not.toMatch(/error TS|npm (ERR|error)/);
    expect(registry.missing).toEqual([]);
    expect(r.status).toBe(1);
    expect(annotations(r.stdout)).toEqual([
      expect.stringMatching(
        /^::error file=db\/migrations\/005_orders_created_at\.sql,line=1,col=1,endLine=1,endColumn=58,title=migration-lint%3A require-concurrent-index-creation::CREATE INDEX orders_created_at_idx on orders without CONCURRENTLY/,
      ),
    ]);
    expect(r.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'migration-lint.sarif' });
    // comment: true with the job's token: one pull request comment, the summary behind the marker
    expect(r.stdout).toContain('migration-lint: pull request comment created');
    expect(github.comments.get(12)!.map((c) => c.body)).toEqual([`${COMMENT_MARKER}\n${r.summary}`]);
    const sarif = JSON.parse(readFileSync(join(repo, 'migration-lint.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0]!.results.map((res) => res.ruleId)).toEqual(['require-concurrent-index-creation']);

    // Nothing was built or installed in the action's checkout; the installed tree is the package's
    // runtime dependencies (and theirs), at the action's own version, without any devDependency.
    expect(readdirSync(actionPath)).not.toContain('node_modules');
    expect(readdirSync(actionPath)).not.toContain('dist');
    const installed = join(r.runnerTemp, `migration-lint-${PACKAGE.version}`, 'node_modules');
    expect(
      (JSON.parse(readFileSync(join(installed, 'migration-lint', 'package.json'), 'utf8')) as { version: string })
        .version,
    ).toBe(PACKAGE.version);
    // npm-shrinkwrap.json nests the package's dependencies under it
    const packagesIn = (dir: string) =>
      readdirSync(dir).flatMap((d) =>
        d.startsWith('@') ? readdirSync(join(dir, d)).map((sub) => `${d}/${sub}`) : [d],
      );
    const top = [...packagesIn(installed), ...packagesIn(join(installed, 'migration-lint', 'node_modules'))];
    expect(top).toEqual(expect.arrayContaining(Object.keys(PACKAGE.dependencies)));
    expect(top.filter((d) => d in PACKAGE.devDependencies || d === 'vitest' || d === 'squawk-cli')).toEqual([]);

    // The job summary: what was found, where, with the lock and the fix, and what was linted.
    // with since, the files changed on the branch are the ones linted and reported
    expect(r.summary).toContain('### ❌ migration-lint: 1 problem (1 error, 0 warnings) in 1 file');
    expect(r.summary).toContain('#### `db/migrations/005_orders_created_at.sql`');
    expect(r.summary).toMatch(
      /- \*\*error\*\* \[`require-concurrent-index-creation`\]\(https:\/\/github\.com\/migration-lint\/migration-lint\/blob\/v[\d.]+\/docs\/rules\.md#require-concurrent-index-creation\), \[line 1\]\(https:\/\/github\.com\/acme\/shop\/blob\/abc123\/db\/migrations\/005_orders_created_at\.sql#L1\): CREATE INDEX orders\\_created\\_at\\_idx on orders without CONCURRENTLY/,
    );
    expect(r.summary).toContain('  - Lock: SHARE on orders (blocks writes)');
    expect(r.summary).toMatch(/ {2}- Fix: Use CREATE INDEX CONCURRENTLY/);
    expect(r.summary).toContain(
      '<details><summary>What was linted: 1 file</summary>\n\n- `db/migrations/005_orders_created_at.sql`\n\n</details>',
    );
  });

  it('in a monorepo (working-directory: services/api) with a glob in paths: annotations and SARIF name files from the repository root', async () => {
    const repo = gitRepo();
    writeFiles(repo, {
      'services/api/db/migrations/001_accounts.sql':
        'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n',
      'services/api/db/migrations/notes.md': 'not a migration\n',
      'services/api/migration-lint.config.json': TEAM_CONFIG,
      'services/web/db/migrations/001_sessions.sql': 'CREATE INDEX sessions_user_idx ON sessions (user_id);\n',
    });
    commitAll(repo, 'services');
    git(repo, 'checkout', '-q', '-b', 'accounts-email');
    writeFiles(repo, {
      'services/api/db/migrations/002_accounts_email.sql': 'CREATE INDEX accounts_email_idx ON accounts (email);\n',
    });
    commitAll(repo, 'accounts.email index');

    const given = {
      'working-directory': 'services/api',
      paths: 'db/migrations/*.sql',
      'sarif-file': 'migration-lint.sarif',
    };
    const result = await run(repo, given, { base_ref: 'main', event_name: 'pull_request' });
    expect(result.status).toBe(1);
    expect(annotations(result.stdout).map((l) => /file=([^,]+)/.exec(l)![1])).toEqual([
      'services/api/db/migrations/002_accounts_email.sql',
    ]);
    // the output is the path upload-sarif (which runs in the workspace) can open
    expect(result.outputs['sarif-file']).toBe('services/api/migration-lint.sarif');
    const sarif = JSON.parse(readFileSync(join(repo, result.outputs['sarif-file']!), 'utf8')) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual([
      'services/api/db/migrations/002_accounts_email.sql',
    ]);

    // a mistyped pattern fails the step instead of passing on nothing
    const typo = await run(
      repo,
      { ...given, paths: 'db/migration/*.sql' },
      { base_ref: 'main', event_name: 'pull_request' },
    );
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('No files matching the pattern "db/migration/*.sql" were found.');
  });

  it('in a shallow clone where the base branch was not fetched: fetches it and compares with its tip', async () => {
    const origin = gitRepo();
    writeFiles(origin, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': TEAM_CONFIG });
    commitAll(origin, 'existing migrations');
    git(origin, 'checkout', '-q', '-b', 'feature');
    writeFiles(origin, {
      'db/migrations/005_users_status.sql': 'ALTER TABLE users ADD COLUMN status text NOT NULL;\n',
    });
    commitAll(origin, 'users.status');
    const clone = join(tempDir('ml-clone-'), 'work');
    git(tempDir(), 'clone', '-q', '--depth', '1', '--single-branch', '--branch', 'feature', `file://${origin}`, clone);

    const r = await run(
      clone,
      { paths: 'db/migrations', 'fail-on': 'warning' },
      { base_ref: 'main', event_name: 'pull_request' },
    );
    expect(r.stdout).toContain('migration-lint: fetching main to compare against it');
    expect(annotations(r.stdout).map((l) => /file=([^,]+)/.exec(l)![1])).toEqual([
      'db/migrations/005_users_status.sql',
    ]);
    expect(r.outputs['exit-code']).toBe('1');
  });

  it('fails clearly when the base ref cannot be fetched', async () => {
    const repo = gitRepo();
    writeFiles(repo, SAMPLE_MIGRATIONS);
    commitAll(repo, 'migrations');
    const r = await run(repo, { paths: 'db/migrations', since: 'no-such-branch' }, { base_ref: '' });
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("::error title=migration-lint::cannot fetch 'no-such-branch' for since");
  });

  it("the project's workflow runs .ci/run, and this action on fixtures/ with a SARIF upload", () => {
    const workflow = readYaml(join(REPO_ROOT, '.github/workflows/ci.yml')) as {
      on?: object;
      true?: object;
      jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }>;
    };
    // YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on"
    expect(Object.keys(workflow.on ?? workflow.true ?? {})).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.some((st) => st.run?.trim() === 'bash .ci/run')).toBe(true);
    const [job] = Object.values(workflow.jobs).filter((j) => j.steps.some((st) => st.uses === './'));
    const lint = job!.steps.find((st) => st.uses === './')!;
    expect(lint.with).toMatchObject({
      package: 'migration-lint.tgz',
      paths: 'fixtures',
      since: '',
      'fail-on': 'never',
      'sarif-file': 'migration-lint.sarif',
    });
    // the package it installs is this commit's, packed before the action runs
    expect(job!.steps.some((st) => /npm pack\b/.test(st.run ?? '') && /migration-lint\.tgz/.test(st.run ?? ''))).toBe(
      true,
    );
    const upload = job!.steps.find((st) => st.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe('${{ steps.lint.outputs.sarif-file }}');
    expect(job!.permissions!['security-events']).toBe('write');
  });

  it("as the project's workflow runs it on fixtures/: every finding annotated, fail-on never passes", async () => {
    const workspace = tempDir('ml-ws-');
    cpSync(join(REPO_ROOT, 'fixtures'), join(workspace, 'fixtures'), { recursive: true });
    cpSync(inject('packedTarball'), join(workspace, 'migration-lint.tgz')); // the workflow's "Pack this commit"
    const r = await run(
      workspace,
      {
        package: 'migration-lint.tgz',
        paths: 'fixtures',
        'fail-on': 'never',
        since: '',
        'sarif-file': 'migration-lint.sarif',
      },
      { base_ref: '', event_name: 'push' },
    );
    expect(r.status).toBe(0);
    expect(r.outputs['exit-code']).toBe('0');
    const direct = JSON.parse((await cli(['--format', 'json', 'fixtures'], workspace)).stdout) as {
      findings: unknown[];
    };
    expect(annotations(r.stdout)).toHaveLength(direct.findings.length);
    expect(direct.findings.length).toBeGreaterThan(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^migration-lint: \d+ problems? /);
    expect(r.summary).toContain(`migration-lint: ${direct.findings.length} problems`);
  });
});

/**
 * The composite GitHub Action, run the way the runner runs it: action.yml is read with a real YAML
 * parser (PyYAML, which pre-commit depends on), each `run:` step's `${{ }}` expressions are evaluated
 * against a pull-request-like context, and the step runs with `bash --noprofile --norc -eo pipefail`
 * in a temporary workspace. `uses:` steps (actions/setup-node) are skipped: Node is already here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, commitAll, git, gitRepo, onlyRules, REPO_ROOT, SAMPLE_MIGRATIONS, tempDir, writeFiles } from './helpers.js';

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  with?: Record<string, string>;
}
interface ActionMetadata {
  name: string;
  inputs: Record<string, { description: string; default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

function readYaml<T>(path: string): T {
  const json = execFileSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', path], { encoding: 'utf8' });
  return JSON.parse(json) as T;
}

const readAction = () => readYaml<ActionMetadata>(join(REPO_ROOT, 'action.yml'));

interface RunnerContext {
  inputs: Record<string, string>;
  github: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** Evaluates the `${{ a.b }}` property lookups the action uses; anything else fails the test. */
function evaluate(text: string, ctx: RunnerContext): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^(inputs|github|steps)\.([\w-]+)(?:\.outputs\.([\w-]+))?$/.exec(expr);
    if (!m) throw new Error(`unsupported expression in action.yml: ${expr}`);
    if (m[1] === 'steps') return ctx.steps[m[2]!]?.outputs[m[3]!] ?? '';
    const value = (ctx[m[1] as 'inputs' | 'github'] as Record<string, string>)[m[2]!];
    if (value === undefined) throw new Error(`unknown ${m[1]} property: ${m[2]}`);
    return value;
  });
}

interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** Runs the action's steps; stops at the first failing step, as the runner does. */
function runAction(action: ActionMetadata, workspace: string, actionPath: string, given: Record<string, string>, github: Record<string, string>): ActionRun {
  const inputs: Record<string, string> = {};
  const ctx: RunnerContext = { inputs, github: { action_path: actionPath, workspace, ...github }, steps: {} };
  for (const [name, spec] of Object.entries(action.inputs)) inputs[name] = given[name] ?? evaluate(spec.default ?? '', ctx);
  const temp = tempDir('ml-runner-');
  let stdout = '';
  let stderr = '';
  let status = 0;
  const outputs: Record<string, string> = {};
  action.runs.steps.forEach((step, n) => {
    if (status !== 0 || step.uses) return;
    expect(step.shell).toBe('bash');
    const script = join(temp, `step${n}.sh`);
    writeFileSync(script, evaluate(step.run!, ctx));
    const outputFile = join(temp, `output${n}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, CI: 'true' };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = evaluate(String(v), ctx);
    const cwd = resolve(workspace, evaluate(step['working-directory'] ?? '.', ctx));
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd, env, encoding: 'utf8', timeout: 300_000 });
    stdout += r.stdout;
    stderr += r.stderr;
    status = r.status ?? 1;
    const stepOutputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) stepOutputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (step.id) ctx.steps[step.id] = { outputs: stepOutputs };
  });
  for (const [name, spec] of Object.entries(action.outputs)) outputs[name] = evaluate(spec.value, ctx);
  return { status, stdout, stderr, outputs };
}

/** A copy of the action's repository as a runner would check it out, sharing node_modules. */
function checkoutAction(): string {
  const dir = join(tempDir('ml-action-'), 'migration-lint');
  mkdirSync(dir);
  for (const entry of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'action.yml', 'bin', 'src']) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The repositories' config: the rules the assertions are about (others may flag the same SQL). */
const TEAM_CONFIG = JSON.stringify({ rules: onlyRules() });

const annotations = (stdout: string) => stdout.split('\n').filter((l) => /^::(error|warning|notice) /.test(l));

describe('action.yml', () => {
  let action: ActionMetadata;
  let actionPath: string;

  beforeAll(() => {
    action = readAction();
    actionPath = checkoutAction();
  });

  it('declares the documented inputs, with since defaulting to the pull request base branch', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'pg-version', 'format', 'fail-on', 'since', 'config', 'sarif-file']));
    expect(action.inputs.since!.default).toBe('${{ github.base_ref }}');
    expect(action.inputs.format!.default).toBe('github');
    expect(action.runs.steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    for (const step of action.runs.steps) if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*inputs\./); // inputs only via env
  });

  it('on a pull request: installs, lints only the changed migrations, annotates them, writes SARIF and fails', () => {
    const repo = gitRepo();
    writeFiles(repo, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': TEAM_CONFIG });
    commitAll(repo, 'existing migrations');
    git(repo, 'checkout', '-q', '-b', 'add-orders-index');
    writeFiles(repo, { 'db/migrations/005_orders_created_at.sql': 'CREATE INDEX orders_created_at_idx ON orders (created_at);\n' });
    commitAll(repo, 'orders.created_at index');

    const run = runAction(action, repo, actionPath, { paths: 'db/migrations', 'sarif-file': 'migration-lint.sarif' }, { base_ref: 'main', event_name: 'pull_request' });
    expect(run.stderr).not.toMatch(/error TS|npm ERR/);
    expect(run.status).toBe(1);
    expect(annotations(run.stdout)).toEqual([
      expect.stringMatching(/^::error file=db\/migrations\/005_orders_created_at\.sql,line=1,col=1,endLine=1,endColumn=58,title=migration-lint%3A require-concurrent-index-creation::CREATE INDEX orders_created_at_idx on orders without CONCURRENTLY/),
    ]);
    expect(run.outputs).toEqual({ 'exit-code': '1', 'sarif-file': 'migration-lint.sarif' });
    const sarif = JSON.parse(readFileSync(join(repo, 'migration-lint.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(['require-concurrent-index-creation']);
    expect(existsSync(join(actionPath, 'dist/cli/main.js'))).toBe(true);
  });

  it('in a monorepo (working-directory: services/api) with a glob in paths: annotations and SARIF name files from the repository root', () => {
    const repo = gitRepo();
    writeFiles(repo, {
      'services/api/db/migrations/001_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n',
      'services/api/db/migrations/notes.md': 'not a migration\n',
      'services/api/migration-lint.config.json': TEAM_CONFIG,
      'services/web/db/migrations/001_sessions.sql': 'CREATE INDEX sessions_user_idx ON sessions (user_id);\n',
    });
    commitAll(repo, 'services');
    git(repo, 'checkout', '-q', '-b', 'accounts-email');
    writeFiles(repo, { 'services/api/db/migrations/002_accounts_email.sql': 'CREATE INDEX accounts_email_idx ON accounts (email);\n' });
    commitAll(repo, 'accounts.email index');

    const given = { 'working-directory': 'services/api', paths: 'db/migrations/*.sql', 'sarif-file': 'migration-lint.sarif' };
    const run = runAction(action, repo, actionPath, given, { base_ref: 'main', event_name: 'pull_request' });
    expect(run.status).toBe(1);
    expect(annotations(run.stdout).map((l) => /file=([^,]+)/.exec(l)![1])).toEqual(['services/api/db/migrations/002_accounts_email.sql']);
    // the output is the path upload-sarif (which runs in the workspace) can open
    expect(run.outputs['sarif-file']).toBe('services/api/migration-lint.sarif');
    const sarif = JSON.parse(readFileSync(join(repo, run.outputs['sarif-file']!), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(['services/api/db/migrations/002_accounts_email.sql']);

    // a mistyped pattern fails the step instead of passing on nothing
    const typo = runAction(action, repo, actionPath, { ...given, paths: 'db/migration/*.sql' }, { base_ref: 'main', event_name: 'pull_request' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('No files matching the pattern "db/migration/*.sql" were found.');
  });

  it('in a shallow clone where the base branch was not fetched: fetches it and compares with its tip', () => {
    const origin = gitRepo();
    writeFiles(origin, { ...SAMPLE_MIGRATIONS, 'migration-lint.config.json': TEAM_CONFIG });
    commitAll(origin, 'existing migrations');
    git(origin, 'checkout', '-q', '-b', 'feature');
    writeFiles(origin, { 'db/migrations/005_users_status.sql': 'ALTER TABLE users ADD COLUMN status text NOT NULL;\n' });
    commitAll(origin, 'users.status');
    const clone = join(tempDir('ml-clone-'), 'work');
    git(tempDir(), 'clone', '-q', '--depth', '1', '--single-branch', '--branch', 'feature', `file://${origin}`, clone);

    const run = runAction(action, clone, actionPath, { paths: 'db/migrations', 'fail-on': 'warning' }, { base_ref: 'main', event_name: 'pull_request' });
    expect(run.stdout).toContain('migration-lint: fetching main to compare against it');
    expect(annotations(run.stdout).map((l) => /file=([^,]+)/.exec(l)![1])).toEqual(['db/migrations/005_users_status.sql']);
    expect(run.outputs['exit-code']).toBe('1');
  });

  it('fails clearly when the base ref cannot be fetched', () => {
    const repo = gitRepo();
    writeFiles(repo, SAMPLE_MIGRATIONS);
    commitAll(repo, 'migrations');
    const run = runAction(action, repo, actionPath, { paths: 'db/migrations', since: 'no-such-branch' }, { base_ref: '' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain("::error title=migration-lint::cannot fetch 'no-such-branch' for since");
  });

  it("the project's workflow runs .ci/run, and this action on fixtures/ with a SARIF upload", () => {
    const workflow = readYaml<{ on?: object; true?: object; jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }> }>(join(REPO_ROOT, '.github/workflows/ci.yml'));
    // YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on"
    expect(Object.keys(workflow.on ?? workflow.true ?? {})).toEqual(expect.arrayContaining(['push', 'pull_request']));
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(steps.some((st) => st.run?.trim() === 'bash .ci/run')).toBe(true);
    const [job] = Object.values(workflow.jobs).filter((j) => j.steps.some((st) => st.uses === './'));
    const lint = job!.steps.find((st) => st.uses === './')!;
    expect(lint.with).toMatchObject({ paths: 'fixtures', since: '', 'fail-on': 'never', 'sarif-file': 'migration-lint.sarif' });
    const upload = job!.steps.find((st) => st.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with!.sarif_file).toBe('${{ steps.lint.outputs.sarif-file }}');
    expect(job!.permissions!['security-events']).toBe('write');
  });

  it("as the project's workflow runs it on fixtures/: every finding annotated, fail-on never passes", async () => {
    const workspace = tempDir('ml-ws-');
    cpSync(join(REPO_ROOT, 'fixtures'), join(workspace, 'fixtures'), { recursive: true });
    const run = runAction(action, workspace, actionPath, { paths: 'fixtures', 'fail-on': 'never', since: '', 'sarif-file': 'migration-lint.sarif' }, { base_ref: '', event_name: 'push' });
    expect(run.status).toBe(0);
    expect(run.outputs['exit-code']).toBe('0');
    const direct = JSON.parse((await cli(['--format', 'json', 'fixtures'], workspace)).stdout) as { findings: unknown[] };
    expect(annotations(run.stdout)).toHaveLength(direct.findings.length);
    expect(direct.findings.length).toBeGreaterThan(0);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^migration-lint: \d+ problems? /);
  });
});

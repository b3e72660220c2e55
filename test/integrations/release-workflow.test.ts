/**
 * .github/workflows/release.yml: on a version tag it runs the project's CI, then publishes to npm with
 * provenance and moves the major tag. The steps that decide something (the tag/version check, the
 * major tag move) are run for real, against a local git remote.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, git, gitRepo, readYaml, REPO_ROOT, tempDir, writeFiles } from './helpers.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = readYaml(join(REPO_ROOT, '.github/workflows/release.yml')) as {
  on?: { push?: { tags?: string[] } };
  true?: { push?: { tags?: string[] } };
  jobs: Record<string, Job>;
};
const trigger = workflow.on ?? workflow.true; // PyYAML (YAML 1.1) reads the key `on` as true
const publish = Object.values(workflow.jobs).find((j) => j.steps.some((s) => /npm publish/.test(s.run ?? '')))!;
const step = (name: RegExp) => publish.steps.find((s) => name.test(s.name ?? ''))!;

/** Runs a step's script as the runner would (bash -eo pipefail) with the tag's GITHUB_* variables. */
function runStep(s: Step, cwd: string, env: Record<string, string>) {
  const script = join(tempDir('ml-release-step-'), 'step.sh');
  writeFileSync(script, s.run!);
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('release workflow', () => {
  it('runs on version tags only; publishing waits for the tests and signs with provenance', () => {
    // GitHub's tag filter patterns: `+` means one or more of the preceding class
    const patterns = trigger!.push!.tags!.map((p) => new RegExp(`^${p.replace(/\./g, '\\.')}$`));
    const matches = (tag: string) => patterns.some((p) => p.test(tag));
    expect(['v0.1.0', 'v1.12.3'].filter(matches)).toEqual(['v0.1.0', 'v1.12.3']);
    expect(['v0', 'latest', 'v0.1'].filter(matches)).toEqual([]);
    const [testName, test] = Object.entries(workflow.jobs).find(([, j]) =>
      j.steps.some((s) => s.run?.trim() === 'bash .ci/run'),
    )!;
    expect(test).toBeDefined();
    expect([publish.needs].flat()).toContain(testName);
    expect(publish.permissions).toMatchObject({ 'id-token': 'write', contents: 'write' });
    const runs = publish.steps.map((s) => s.run?.trim() ?? s.uses ?? '');
    const published = runs.findIndex((r) => /^npm publish --provenance\b/.test(r));
    expect(published).toBeGreaterThan(runs.findIndex((r) => r.startsWith('npm ci')));
    // the major tag moves only once the version it points at is on npm (the action installs it)
    expect(runs.findIndex((r) => r.includes('git push --force origin'))).toBeGreaterThan(published);
    expect(publish.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['registry-url']).toBe(
      'https://registry.npmjs.org',
    );
  });

  it('refuses a tag that is not package.json version', () => {
    const repo = gitRepo();
    writeFiles(repo, { 'package.json': JSON.stringify({ name: 'migration-lint', version: '0.3.0' }) });
    const check = step(/tag is package\.json's version/);
    expect(runStep(check, repo, { GITHUB_REF_NAME: 'v0.3.0' }).status).toBe(0);
    const wrong = runStep(check, repo, { GITHUB_REF_NAME: 'v0.4.0' });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain("::error title=release::tag v0.4.0 does not match package.json's version (v0.3.0)");
  });

  it('moves the major tag to the released commit on the remote', () => {
    const origin = join(tempDir('ml-origin-'), 'origin.git');
    git(tempDir(), 'init', '-q', '--bare', origin);
    const repo = gitRepo();
    writeFiles(repo, { 'package.json': '{"version":"0.1.0"}' });
    commitAll(repo, 'v0.1.0');
    git(repo, 'remote', 'add', 'origin', origin);
    git(repo, 'tag', 'v0');
    git(repo, 'push', '-q', 'origin', 'main', 'refs/tags/v0');
    writeFiles(repo, { 'package.json': '{"version":"0.2.0"}' });
    commitAll(repo, 'v0.2.0');
    const released = git(repo, 'rev-parse', 'HEAD').trim();
    const r = runStep(step(/major tag/), repo, {
      GITHUB_REF_NAME: 'v0.2.0',
      GITHUB_SHA: released,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    });
    expect(r.stderr).not.toMatch(/fatal|error/);
    expect(r.status).toBe(0);
    expect(git(origin, 'rev-parse', 'refs/tags/v0').trim()).toBe(released);
  });
});

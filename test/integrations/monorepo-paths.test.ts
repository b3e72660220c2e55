/**
 * A project nested in a repository (services/api of a monorepo), linted from its own directory as
 * the Action's `working-directory` or a GitLab job's `cd` does: GitHub annotations, SARIF and GitLab
 * Code Quality must name files from the repository root — that is where GitHub and GitLab look
 * them up — while text and JSON stay relative to the working directory, for the person reading them.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { cli, commitAll, gitRepo, onlyRules, tempDir, writeFiles } from './helpers.js';

const API_MIGRATIONS = {
  'services/api/db/migrations/001_accounts.sql':
    'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n',
  'services/api/db/migrations/002_accounts_email.sql':
    "SET lock_timeout = '2s';\n\nCREATE INDEX accounts_email_idx\n  ON accounts (email);\n",
  'services/api/migration-lint.config.json': JSON.stringify({ rules: onlyRules() }),
  'services/web/db/migrations/001_sessions.sql': 'CREATE INDEX sessions_user_idx ON sessions (user_id);\n',
};
const FLAGGED = 'services/api/db/migrations/002_accounts_email.sql';

const annotationFiles = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('::'))
    .map((l) => /file=([^,]+)/.exec(l)![1]);

function monorepo(): string {
  const repo = gitRepo();
  writeFiles(repo, API_MIGRATIONS);
  commitAll(repo, 'two services');
  return repo;
}

describe('reports for CI name files from the repository root, whatever the working directory', () => {
  it('GitHub annotations, SARIF (uriBaseId %SRCROOT% = the root) and GitLab, run from services/api', async () => {
    const repo = monorepo();
    const api = join(repo, 'services/api');

    const gh = await cli(['--format', 'github', 'db/migrations'], api);
    expect(gh.code).toBe(1);
    expect(annotationFiles(gh.stdout)).toEqual([FLAGGED]);
    expect(gh.stdout).toContain(
      `::error file=${FLAGGED},line=3,endLine=4,title=migration-lint%3A require-concurrent-index-creation::`,
    );

    const sarif = JSON.parse((await cli(['--format', 'sarif', 'db/migrations'], api)).stdout) as Sarif.Log;
    const run = sarif.runs[0]!;
    expect(run.originalUriBaseIds!['%SRCROOT%']!.uri).toBe(pathToFileURL(repo).href + '/');
    expect(run.artifacts!.map((a) => a.location)).toEqual([
      { uri: 'services/api/db/migrations/001_accounts.sql', uriBaseId: '%SRCROOT%' },
      { uri: FLAGGED, uriBaseId: '%SRCROOT%' },
    ]);
    expect(run.results!.map((r) => r.locations![0]!.physicalLocation!.artifactLocation)).toEqual([
      { uri: FLAGGED, uriBaseId: '%SRCROOT%', index: 1 },
    ]);
    // resolving the URI against its base gives back the real file
    expect(readFileSync(new URL(FLAGGED, run.originalUriBaseIds!['%SRCROOT%']!.uri), 'utf8')).toContain(
      'accounts_email_idx',
    );

    const gitlab = JSON.parse((await cli(['--format', 'gitlab', 'db/migrations'], api)).stdout) as {
      location: { path: string };
    }[];
    expect(gitlab.map((i) => i.location.path)).toEqual([FLAGGED]);

    // what people read stays relative to where they are
    const json = JSON.parse((await cli(['--format', 'json', 'db/migrations'], api)).stdout) as {
      findings: { file: string }[];
    };
    expect(json.findings.map((f) => f.file)).toEqual(['db/migrations/002_accounts_email.sql']);
    expect((await cli(['db/migrations'], api)).stdout).toMatch(/^db\/migrations\/002_accounts_email\.sql:3:1 {2}error/);
  });

  it('the same report from the root and from the project directory (GitLab fingerprints and SARIF match)', async () => {
    const repo = monorepo();
    const config = ['--config', 'services/api/migration-lint.config.json'];
    for (const format of ['gitlab', 'sarif', 'github']) {
      const fromRoot = await cli(['--format', format, ...config, 'services/api/db/migrations'], repo);
      const fromApi = await cli(['--format', format, 'db/migrations'], join(repo, 'services/api'));
      expect(fromApi.stdout, format).toBe(fromRoot.stdout);
    }
  });

  it('--sarif-file beside text output uses the root too; a deeper working directory and ../ paths as well', async () => {
    const repo = monorepo();
    const deep = join(repo, 'services/api/db');
    const r = await cli(['--sarif-file', 'out.sarif', 'migrations', '../../web/db/migrations'], deep);
    expect(r.stdout).toContain('migrations/002_accounts_email.sql:3:1');
    expect(r.stdout).toContain('../../web/db/migrations/001_sessions.sql:1:1');
    const log = JSON.parse(readFileSync(join(deep, 'out.sarif'), 'utf8')) as Sarif.Log;
    expect(log.runs[0]!.results!.map((x) => x.locations![0]!.physicalLocation!.artifactLocation!.uri)).toEqual([
      FLAGGED,
      'services/web/db/migrations/001_sessions.sql',
    ]);
  });

  it('GITHUB_WORKSPACE / CI_PROJECT_DIR is the root on a runner (even without git); outside it, git or the working directory', async () => {
    const workspace = tempDir('ml-ws-');
    writeFiles(workspace, API_MIGRATIONS);
    const api = join(workspace, 'services/api');
    const onRunner = await cli(['--format', 'github', 'db/migrations'], api, '', {
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(annotationFiles(onRunner.stdout)).toEqual([FLAGGED]);
    // GitLab's checkout directory, in a job image without git
    const gitlab = await cli(['--format', 'gitlab', 'db/migrations'], api, '', { env: { CI_PROJECT_DIR: workspace } });
    expect((JSON.parse(gitlab.stdout) as { location: { path: string } }[]).map((i) => i.location.path)).toEqual([
      FLAGGED,
    ]);
    // no workspace, no git: the working directory is all there is
    expect(annotationFiles((await cli(['--format', 'github', 'db/migrations'], api)).stdout)).toEqual([
      'db/migrations/002_accounts_email.sql',
    ]);
    // a workspace that does not contain the working directory is not this run's root
    const elsewhere = await cli(['--format', 'github', 'db/migrations'], api, '', {
      env: { GITHUB_WORKSPACE: tempDir() },
    });
    expect(annotationFiles(elsewhere.stdout)).toEqual(['db/migrations/002_accounts_email.sql']);
  });

  it('through a symlinked checkout the paths stay inside the repository (no ../ detours)', async () => {
    const repo = monorepo();
    const links = tempDir('ml-link-');
    mkdirSync(join(links, 'ci'));
    symlinkSync(repo, join(links, 'ci', 'checkout'), 'dir');
    const api = join(links, 'ci', 'checkout', 'services/api');
    expect(annotationFiles((await cli(['--format', 'github', 'db/migrations'], api)).stdout)).toEqual([FLAGGED]);
    expect(
      annotationFiles(
        (
          await cli(['--format', 'github', 'db/migrations'], api, '', {
            env: { GITHUB_WORKSPACE: join(links, 'ci', 'checkout') },
          })
        ).stdout,
      ),
    ).toEqual([FLAGGED]);
  });
});

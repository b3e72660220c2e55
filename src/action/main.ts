/**
 * The GitHub Action's report step (`node dist/action/main.js`), run after migration-lint has written
 * its SARIF log: writes the Markdown job summary and, with `comment: true` on a pull request, keeps
 * the sticky comment up to date. Reads everything from the environment the runner (and action.yml)
 * sets. A failure here is a warning in the log: it never changes the lint step's outcome.
 */
import { appendFileSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { readRunReport, renderMarkdown, type RunReport } from './job-summary.js';
import { GitHubApiError, upsertStickyComment } from './sticky-comment.js';

interface PullRequestEvent {
  pull_request?: { number: number; head?: { sha?: string } };
}

function readEvent(env: NodeJS.ProcessEnv): PullRequestEvent {
  try {
    return env.GITHUB_EVENT_PATH ? (JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as PullRequestEvent) : {};
  } catch {
    return {};
  }
}

/** GitHub workflow-command escaping for a message. */
const escapeCommand = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

export async function runActionReport(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const exitCode = Number(env.MIGRATION_LINT_EXIT_CODE ?? '0');
  const sarifPath = env.MIGRATION_LINT_SARIF ?? '';
  const report: RunReport = existsSync(sarifPath)
    ? readRunReport(JSON.parse(readFileSync(sarifPath, 'utf8')) as Sarif.Log, workspace)
    : { files: [], findings: [], counts: { error: 0, warning: 0, note: 0 } };
  const event = readEvent(env);
  const sha = event.pull_request?.head?.sha ?? env.GITHUB_SHA;
  const blobUrl =
    env.GITHUB_REPOSITORY && sha
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/blob/${sha}`
      : undefined;
  const markdown = renderMarkdown(report, { workspace, blobUrl, exitCode });

  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);

  if (env.INPUT_COMMENT !== 'true') return;
  const pullNumber = event.pull_request?.number;
  if (!pullNumber) {
    log('migration-lint: comment: true has no effect outside a pull_request event');
    return;
  }
  if (!env.INPUT_GITHUB_TOKEN || !env.GITHUB_REPOSITORY) {
    log('::warning title=migration-lint::comment: true needs github-token and GITHUB_REPOSITORY; no comment written');
    return;
  }
  try {
    const api = {
      apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      token: env.INPUT_GITHUB_TOKEN,
      repository: env.GITHUB_REPOSITORY,
    };
    const outcome = await upsertStickyComment(
      api,
      pullNumber,
      markdown,
      report.findings.length === 0 && exitCode !== 2,
    );
    log(`migration-lint: pull request comment ${outcome}`);
  } catch (e) {
    const why =
      e instanceof GitHubApiError && (e.status === 403 || e.status === 404)
        ? ' (a pull request from a fork gets a read-only token; give the job `pull-requests: write` permission)'
        : '';
    log(
      `::warning title=migration-lint::could not update the pull request comment: ${escapeCommand((e as Error).message)}${why}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  runActionReport(process.env, (line) => console.log(line)).catch((e: unknown) => {
    console.log(
      `::warning title=migration-lint::could not write the report: ${escapeCommand((e as { message?: string }).message ?? String(e))}`,
    );
  });
}

/**
 * One pull request comment that migration-lint keeps up to date (as Squawk's action does): found by
 * a hidden marker among the pull request's comments, edited in place on each push, and rewritten as
 * "no problems" when the findings are gone. Uses GitHub's REST API with Node's fetch.
 */
import { COMMENT_MARKER } from './job-summary.js';

export interface GitHubApi {
  /** `https://api.github.com`, or GitHub Enterprise's `$GITHUB_API_URL`. */
  apiUrl: string;
  token: string;
  /** `owner/name`. */
  repository: string;
}

interface IssueComment {
  id: number;
  body?: string;
  user?: { type?: string } | null;
}

export class GitHubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(api: GitHubApi, method: string, path: string, body?: object): Promise<T> {
  const response = await fetch(`${api.apiUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${api.token}`,
      'x-github-api-version': '2022-11-28',
      'user-agent': 'migration-lint-action',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    const detail = ((await response.text()) || response.statusText).slice(0, 200);
    throw new GitHubApiError(response.status, `${method} ${path}: HTTP ${response.status} ${detail}`);
  }
  return (await response.json()) as T;
}

/** The pull request's comment carrying the marker, if any (all pages are searched). */
async function findStickyComment(api: GitHubApi, pullNumber: number): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const comments = await request<IssueComment[]>(
      api,
      'GET',
      `/repos/${api.repository}/issues/${pullNumber}/comments?per_page=100&page=${page}`,
    );
    const found = comments.find((c) => c.body?.includes(COMMENT_MARKER));
    if (found) return found;
    if (comments.length < 100) return undefined;
  }
}

export type StickyOutcome = 'created' | 'updated' | 'unchanged' | 'not-needed';

/**
 * Creates or updates the sticky comment with `markdown`. With no findings and no earlier comment
 * nothing is posted (a clean pull request gets no noise); an earlier comment is rewritten to say the
 * problems are gone.
 */
export async function upsertStickyComment(
  api: GitHubApi,
  pullNumber: number,
  markdown: string,
  clean: boolean,
): Promise<StickyOutcome> {
  const existing = await findStickyComment(api, pullNumber);
  const body = `${COMMENT_MARKER}\n${markdown}`;
  if (!existing) {
    if (clean) return 'not-needed';
    await request(api, 'POST', `/repos/${api.repository}/issues/${pullNumber}/comments`, { body });
    return 'created';
  }
  if (existing.body === body) return 'unchanged';
  await request(api, 'PATCH', `/repos/${api.repository}/issues/comments/${existing.id}`, { body });
  return 'updated';
}

import { readFileSync } from 'node:fs';

/**
 * The package's identity, read from package.json (one level above both src/ and dist/), which is the
 * one place that holds it: the version, the repository, where to report bugs, and the rule docs that
 * SARIF helpUri, terminal links and the Action point at.
 */
interface PackageMetadata {
  version?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { url?: string };
}

const pkg: PackageMetadata = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageMetadata;
  } catch {
    return {};
  }
})();

export const VERSION: string = pkg.version ?? '0.0.0';

/** The repository's web address: `git+https://…/x.git` in package.json becomes `https://…/x`. */
export const REPOSITORY_URL: string = (pkg.repository?.url ?? 'https://github.com/migration-lint/migration-lint')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');

export const HOMEPAGE: string = pkg.homepage ?? REPOSITORY_URL;

export const BUGS_URL: string = pkg.bugs?.url ?? `${REPOSITORY_URL}/issues`;

/**
 * The docs directory as of this release's tag (`v<version>`, which the release workflow creates), so
 * a link explains the rule as the installed version implements it, not as main does today.
 */
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/v${VERSION}/docs`;

/** A rule's section in docs/rules.md (its heading is the rule id, so the anchor is the id). */
export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}/rules.md#${ruleId}`;
}

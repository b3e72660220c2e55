/**
 * The package's identity derived from package.json's fields: the version, the repository, where to
 * report bugs, and the rule docs that SARIF helpUri, terminal links, the Action and the playground
 * point at. No I/O: src/version.ts reads package.json from disk, the playground bundles it.
 */
export interface PackageMetadata {
  version?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { url?: string };
}

export interface PackageIdentity {
  VERSION: string;
  REPOSITORY_URL: string;
  HOMEPAGE: string;
  BUGS_URL: string;
  DOCS_BASE_URL: string;
  ruleDocsUrl: (ruleId: string) => string;
}

export function packageIdentity(pkg: PackageMetadata): PackageIdentity {
  const VERSION = pkg.version ?? '0.0.0';
  // The repository's web address: `git+https://…/x.git` in package.json becomes `https://…/x`.
  const REPOSITORY_URL = (pkg.repository?.url ?? 'https://github.com/migration-lint/migration-lint')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  // The docs directory as of this release's tag (`v<version>`, which the release workflow creates), so
  // a link explains the rule as the installed version implements it, not as main does today.
  const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/v${VERSION}/docs`;
  return {
    VERSION,
    REPOSITORY_URL,
    HOMEPAGE: pkg.homepage ?? REPOSITORY_URL,
    BUGS_URL: pkg.bugs?.url ?? `${REPOSITORY_URL}/issues`,
    DOCS_BASE_URL,
    // A rule's section in docs/rules.md (its heading is the rule id, so the anchor is the id).
    ruleDocsUrl: (ruleId) => `${DOCS_BASE_URL}/rules.md#${ruleId}`,
  };
}

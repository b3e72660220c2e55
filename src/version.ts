import { readFileSync } from 'node:fs';
import { type PackageMetadata, packageIdentity } from './package-identity.js';

/** The package's identity, read from package.json (one level above both src/ and dist/), which is the one place that holds it. */
const pkg: PackageMetadata = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageMetadata;
  } catch {
    return {};
  }
})();

export const { VERSION, REPOSITORY_URL, HOMEPAGE, BUGS_URL, DOCS_BASE_URL, ruleDocsUrl } = packageIdentity(pkg);

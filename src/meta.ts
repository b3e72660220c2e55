/** Where the rule reference is published: terminal output links each finding to its rule there. */
export const DOCS_BASE_URL = 'https://github.com/migration-lint/migration-lint/blob/main/docs/rules.md';

/** The documentation of one rule (docs/rules.md's heading anchors are the rule ids). */
export function ruleDocsUrl(id: string): string {
  return `${DOCS_BASE_URL}#${id}`;
}

/**
 * `npm pack`/`npm publish` hook: writes npm-shrinkwrap.json (the lockfile minus devDependencies)
 * after the build (`prepare`), and removes it after packing (`postpack`). Published with the package, it makes every install path — `npm install`,
 * `npx migration-lint@<version>`, the GitHub Action, pre-commit — get the exact runtime dependency
 * tree this release was tested with (resolved by integrity, so also from npm's cache offline).
 *
 *   node scripts/shrinkwrap.mjs write | write-when-packing | remove
 *
 * `write-when-packing` writes only when npm runs it for pack or publish, and only once the build has
 * succeeded: a shrinkwrap left in the checkout would replace package-lock.json for the next
 * `npm install` (and drop the devDependencies).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const target = new URL('../npm-shrinkwrap.json', import.meta.url);

if (process.argv[2] === 'remove') {
  rmSync(target, { force: true });
} else if (
  process.argv[2] === 'write' ||
  (process.argv[2] === 'write-when-packing' && ['pack', 'publish'].includes(process.env.npm_command ?? ''))
) {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  const packages = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') {
      const { devDependencies: _dev, ...root } = entry;
      packages[path] = root;
    } else if (!entry.dev) {
      packages[path] = entry;
    }
  }
  writeFileSync(target, JSON.stringify({ ...lock, packages }, null, 2) + '\n');
} else if (process.argv[2] !== 'write-when-packing') {
  console.error('usage: node scripts/shrinkwrap.mjs write|remove');
  process.exit(2);
}

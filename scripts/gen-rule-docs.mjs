#!/usr/bin/env node
// Writes docs/rules.md and README.md's rule table from the rules' own docs (`npm run docs` builds
// first). test/docs.test.ts fails when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeRulesTable, rulesReference } from '../dist/rules/explain.js';
import { ALL_RULES } from '../dist/rules/index.js';

writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesReference(ALL_RULES));

const readmePath = new URL('../README.md', import.meta.url);
const readme = readFileSync(readmePath, 'utf8');
const section = /(<!-- rules:start[^>]*-->\n)[\s\S]*?(<!-- rules:end -->)/;
if (!section.test(readme)) throw new Error('README.md has no <!-- rules:start --> … <!-- rules:end --> section');
writeFileSync(
  readmePath,
  readme.replace(section, (_, start, end) => `${start}${readmeRulesTable(ALL_RULES)}\n${end}`),
);
console.log(`wrote docs/rules.md and the README rule table (${ALL_RULES.length} rules)`);

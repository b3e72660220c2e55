/**
 * The Python parser (web-tree-sitter and its WASM) is loaded only when a run has a .py revision:
 * SQL-only runs never pay for it.
 */
import { expect, it, vi } from 'vitest';
import { lintText, revisionSource } from './helpers.js';

const loaded = vi.hoisted(() => ({ treeSitter: false }));
vi.mock('web-tree-sitter', async (importOriginal) => {
  loaded.treeSitter = true;
  return importOriginal();
});

it('SQL files do not load tree-sitter; the first revision file does', async () => {
  const sql = await lintText([{ path: 'db/001_users.sql', text: 'CREATE INDEX users_email_idx ON users (email);' }]);
  expect(sql.findings.some((f) => f.rule === 'require-concurrent-index-creation')).toBe(true);
  expect(loaded.treeSitter).toBe(false);
  const py = await lintText([
    { path: 'migrations/versions/abc123_x.py', text: revisionSource('op.create_index("ix_a", "users", ["a"])') },
  ]);
  expect(py.findings.some((f) => f.rule === 'require-concurrent-index-creation')).toBe(true);
  expect(loaded.treeSitter).toBe(true);
});

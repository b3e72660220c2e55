/**
 * The --setup file is usually a `pg_dump --schema-only` output, which psql runs: it holds psql
 * meta-commands (`\connect`, `\restrict …`) and may hold `COPY … FROM stdin` data blocks. Neither is
 * SQL. They are blanked out (positions kept, so findings still point at the right lines) and listed.
 */

export interface PreparedSetup {
  /** The text with meta-commands and COPY data replaced by spaces. */
  text: string;
  /** What was left out, by 1-based line. */
  omitted: { line: number; what: string }[];
}

function blank(line: string): string {
  return line.replace(/[^\r\n]/g, ' ');
}

export function prepareSetupText(source: string): PreparedSetup {
  const lines = source.split('\n');
  const omitted: PreparedSetup['omitted'] = [];
  let inCopyData = false;
  let copyStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (inCopyData) {
      const end = line.replace(/\r$/, '') === '\\.';
      lines[i] = blank(line);
      if (end) {
        inCopyData = false;
        omitted.push({ line: copyStart, what: `COPY data (lines ${copyStart}-${i + 1}): trace does not load data` });
      }
      continue;
    }
    if (/^\s*\\/.test(line)) {
      omitted.push({ line: i + 1, what: `psql meta-command ${line.trim().split(/\s+/)[0]}: not SQL` });
      lines[i] = blank(line);
      continue;
    }
    if (/^\s*COPY\s.+\sFROM\s+stdin\b.*;\s*$/i.test(line)) {
      inCopyData = true;
      copyStart = i + 2;
    }
  }
  return { text: lines.join('\n'), omitted };
}

import type { FindingKind } from './types.js';

/** Emitted by the engine from parser diagnostics; listed as a rule so it is documented and explainable. */
export const parseError: FindingKind = {
  meta: {
    id: 'parse-error',
    severity: 'error',
    summary: 'The file (or one statement in it) could not be parsed; nothing in that part was checked.',
    docs: {
      what:
        'Reported when a migration cannot be read as its format: an SQL statement the Postgres parser rejects (at the position the parser gives, with its message), ' +
        'a file that is not valid UTF-8 or looks binary, or a TypeScript/Python file that does not parse. The other statements of the file and all other files are still linted.',
      why: 'What cannot be parsed cannot be checked: a dangerous statement could hide there, and Postgres would reject the same text at deploy time.',
      instead:
        "Fix the syntax the message points at (the parser is Postgres 18's own), or save the file as UTF-8 text.",
    },
  },
};

export const ioError: FindingKind = {
  meta: {
    id: 'io-error',
    severity: 'error',
    summary: 'A file could not be read (permissions, a broken link, a directory in place of a file).',
    docs: {
      what: 'Reported for a path that exists but cannot be read.',
      why: 'An unreadable migration is an unchecked migration.',
      instead: 'Fix the file permissions, or exclude the path.',
    },
  },
};

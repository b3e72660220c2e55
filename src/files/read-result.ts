/** A source file's text, or why it could not be read (reported as a finding on the file). */
export type ReadResult =
  | { ok: true; text: string }
  | { ok: false; rule: 'parse-error' | 'io-error'; message: string; line?: number; column?: number };

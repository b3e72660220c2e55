/** A source file's text, or why it could not be read (reported as a finding on the file). */
export type ReadResult =
  | {
      ok: true;
      text: string;
      /** The file began with a UTF-8 byte order mark, dropped from `text` (some tools send it to Postgres, which rejects it). */
      bom?: true;
    }
  | { ok: false; rule: 'parse-error' | 'io-error'; message: string; line?: number; column?: number };

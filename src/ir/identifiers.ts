/** Postgres's identifier length limit (NAMEDATALEN − 1), shared by the SQL frontend and the rules. */
export const MAX_IDENTIFIER_BYTES = 63;

/** The first 63 bytes of `name`, cut at a character boundary (as Postgres's truncate_identifier does). */
export function truncateIdentifier(name: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}

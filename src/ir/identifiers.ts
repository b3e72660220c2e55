/** Postgres's identifier length limit (NAMEDATALEN − 1), shared by the SQL frontend and the rules. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The length of `text` in UTF-8 bytes, as Buffer.byteLength counts it (a lone surrogate as the 3 bytes
 * of U+FFFD) — without Buffer, which the browser playground does not have.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The first 63 bytes of `name`, cut at a character boundary (as Postgres's truncate_identifier does). */
export function truncateIdentifier(name: string): string {
  let bytes = 0;
  let out = '';
  for (const ch of name) {
    const size = utf8ByteLength(ch);
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    bytes += size;
    out += ch;
  }
  return out;
}

/**
 * How a file's bytes become the text a model sees and back, without changing what the model
 * did not touch: a UTF-8 or UTF-16 byte-order mark is taken off and put back, CRLF files are
 * shown with `\n` and written with CRLF again, and bytes that are not valid text are refused
 * (rewriting them would corrupt the file).
 */

export type Bom = 'utf8' | 'utf16le' | null;

export interface DecodedText {
  /** The text with `\n` line ends and no byte-order mark. */
  text: string;
  bom: Bom;
  crlf: boolean;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array): DecodedText | { error: string } {
  let bom: Bom = null;
  let raw: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bom = 'utf8';
    bytes = bytes.subarray(3);
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    bom = 'utf16le';
    raw = new TextDecoder('utf-16le').decode(bytes.subarray(2));
    return { text: raw.replace(/\r\n/g, '\n'), bom, crlf: raw.includes('\r\n') };
  }
  try {
    raw = fatalUtf8.decode(bytes);
  } catch {
    return { error: 'it is not UTF-8 text (a binary file or another encoding)' };
  }
  if (raw.includes('\0')) return { error: 'it looks binary (it holds NUL bytes)' };
  return { text: raw.replace(/\r\n/g, '\n'), bom, crlf: raw.includes('\r\n') };
}

/** The bytes to write for `text` (with `\n` ends) in the file's original form. */
export function encodeText(text: string, form: { bom: Bom; crlf: boolean }): Uint8Array {
  const normalized = text.replace(/\r\n/g, '\n');
  const body = form.crlf ? normalized.replace(/\n/g, '\r\n') : normalized;
  if (form.bom === 'utf16le') {
    const encoded = Buffer.from(body, 'utf16le');
    return Buffer.concat([Buffer.from([0xff, 0xfe]), encoded]);
  }
  const encoded = Buffer.from(body, 'utf8');
  return form.bom === 'utf8' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encoded]) : encoded;
}

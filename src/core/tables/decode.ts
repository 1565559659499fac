/**
 * Bytes -> text for tabular sources. Spreadsheet programs write "Unicode text" as UTF-16LE with a byte order mark; other
 * tools write UTF-8 with or without one; spreadsheets on Windows write "CSV" in Windows-1252. Pure: the platform's
 * TextDecoder and a table of our own, so it runs in a web worker too.
 */

/** The encodings `decodeText` reads. */
export type TextEncodingName = "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";

/** What `decodeText` found. */
export interface DecodedText {
  /** The text, without the byte order mark. */
  text: string;
  encoding: TextEncodingName;
  /** True when the bytes started with a byte order mark (dropped from `text`). */
  bom: boolean;
  /** Said to the user when the encoding was guessed or the bytes were not valid in it. */
  note?: string;
}

/** Bytes looked at to guess a BOM-less UTF-16 file. */
const SNIFF_BYTES = 4096;

/**
 * Decodes a file's bytes. A byte order mark decides (UTF-8, UTF-16LE, UTF-16BE). Without one, NUL bytes at mostly odd
 * (or mostly even) positions mean UTF-16LE (or BE): ASCII text in UTF-16 has a zero high byte in every unit, and UTF-8
 * text has no NUL at all. Otherwise UTF-8; bytes that are not valid UTF-8 are read as Windows-1252, the usual other
 * encoding of CSV exports, with a note. Deciding that a file is binary is the caller's concern (do it after this: a
 * UTF-16 file is full of NUL bytes).
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return utf8(bytes.subarray(3), true);
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", bom: true };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", bom: true };
  }
  const guessed = guessUtf16(bytes);
  if (guessed) {
    return {
      text: new TextDecoder(guessed).decode(bytes),
      encoding: guessed,
      bom: false,
      note: `Read as ${guessed === "utf-16le" ? "UTF-16LE" : "UTF-16BE"}: the file has no byte order mark, but NUL bytes at every other position.`,
    };
  }
  return utf8(bytes, false);
}

function utf8(bytes: Uint8Array, bom: boolean): DecodedText {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8", bom };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      text: decodeWindows1252(bytes),
      encoding: "windows-1252",
      bom: false,
      note: `Read as Windows-1252 (Latin-1 read the same way): the bytes are not valid UTF-8 (first bad byte at offset ${at}).`,
    };
  }
}

/** UTF-16 byte order when NULs sit at one parity only; undefined otherwise. */
function guessUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const units = n / 2;
  // Latin text in UTF-16 has a NUL high byte in nearly every unit; 30 % leaves room for CJK and emoji.
  if (oddNul >= units * 0.3 && evenNul <= units * 0.05) return "utf-16le";
  if (evenNul >= units * 0.3 && oddNul <= units * 0.05) return "utf-16be";
  return undefined;
}

/** Offset of the first byte that breaks UTF-8 (for the note). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += extra + 1;
  }
  return i;
}

/**
 * Windows-1252's bytes 0x80-0x9F as the WHATWG Encoding Standard maps them (index-windows-1252); the five bytes it
 * leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 code point of the same value, as WHATWG does. Every
 * other byte is its own code point (ASCII, and 0xA0-0xFF as in Latin-1).
 */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** Characters decoded per String.fromCharCode call: well under any engine's argument limit. */
const DECODE_CHUNK = 8192;

/**
 * Decodes Windows-1252 (and Latin-1, which WHATWG reads as Windows-1252) by table. Not through
 * `TextDecoder("windows-1252")`: Node 20 decodes 0x80-0x9F there as Latin-1 (C1 control characters, "15€" read as
 * "15\x80"), a regression fixed in later releases; package.json allows Node 20.19.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const units = new Uint16Array(Math.min(bytes.length, DECODE_CHUNK));
  for (let from = 0; from < bytes.length; from += DECODE_CHUNK) {
    const n = Math.min(DECODE_CHUNK, bytes.length - from);
    for (let i = 0; i < n; i++) {
      const b = bytes[from + i];
      units[i] = b >= 0x80 && b < 0xa0 ? WINDOWS_1252_HIGH[b - 0x80] : b;
    }
    parts.push(String.fromCharCode(...units.subarray(0, n)));
  }
  return parts.join("");
}

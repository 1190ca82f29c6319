/**
 * Whether these UTF-8 bytes are one JSON text (RFC 8259), exactly as `JSON.parse(bytes.toString())`
 * would decide, without building any value. The webhook path must answer a malformed body with 400
 * before acknowledging it, and parsing a 4 KB order only to throw it away cost more than the HMAC.
 *
 * Bytes of 0x80 and above can only be valid inside strings, where any of them is (an invalid UTF-8
 * sequence decodes to U+FFFD, never to a quote, a backslash or a control character), so checking
 * bytes is checking the decoded text. Nesting is tracked on an explicit stack: no depth limit.
 */
export function isWellFormedJson(bytes: Uint8Array): boolean {
  const end = bytes.length;
  const open: number[] = [];
  let i = skipSpace(bytes, 0);
  for (;;) {
    // A value starts at i.
    const c = bytes[i];
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      i = skipSpace(bytes, i + 1);
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      if (bytes[i] === close) i++;
      else {
        open.push(close);
        if (close === CLOSE_BRACE) i = memberName(bytes, i);
        if (i < 0) return false;
        continue;
      }
    } else if (c === QUOTE) i = string(bytes, i);
    else if (c === MINUS || isDigit(c)) i = number(bytes, i);
    else if (c === 116 /* t */) i = literal(bytes, i, TRUE);
    else if (c === 102 /* f */) i = literal(bytes, i, FALSE);
    else if (c === 110 /* n */) i = literal(bytes, i, NULL);
    else return false;
    if (i < 0) return false;

    // After a value: close what it ends, or go on to the next element or member.
    for (;;) {
      i = skipSpace(bytes, i);
      const close = open.at(-1);
      if (close === undefined) return i === end;
      if (bytes[i] === close) {
        open.pop();
        i++;
      } else if (bytes[i] === COMMA) {
        i = skipSpace(bytes, i + 1);
        if (close === CLOSE_BRACE) i = memberName(bytes, i);
        if (i < 0) return false;
        break;
      } else return false;
    }
  }
}

/** A member's name, its colon and the space around it; the index of its value, or -1. */
function memberName(bytes: Uint8Array, i: number): number {
  if (bytes[i] !== QUOTE) return -1;
  i = string(bytes, i);
  if (i < 0) return -1;
  i = skipSpace(bytes, i);
  return bytes[i] === COLON ? skipSpace(bytes, i + 1) : -1;
}

/** A string starting at its opening quote; the index after its closing quote, or -1. */
function string(bytes: Uint8Array, i: number): number {
  const end = bytes.length;
  for (i++; i < end; i++) {
    const c = bytes[i]!;
    if (STRING_PLAIN[c] === 1) continue;
    if (c === QUOTE) return i + 1;
    if (c !== BACKSLASH) return -1; // a control character
    const escaped = bytes[++i];
    if (escaped === 117 /* u */) {
      for (let k = 0; k < 4; k++) if (!isHexDigit(bytes[++i])) return -1;
    } else if (escaped === undefined || !SIMPLE_ESCAPES.has(escaped)) return -1;
  }
  return -1;
}

/** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; the index after it, or -1. */
function number(bytes: Uint8Array, i: number): number {
  if (bytes[i] === MINUS) i++;
  if (bytes[i] === 48 /* 0 */) i++;
  else if (isDigit(bytes[i])) i = digits(bytes, i);
  else return -1;
  if (bytes[i] === 46 /* . */) {
    if (!isDigit(bytes[++i])) return -1;
    i = digits(bytes, i);
  }
  if (bytes[i] === 101 /* e */ || bytes[i] === 69 /* E */) {
    i++;
    if (bytes[i] === 43 /* + */ || bytes[i] === MINUS) i++;
    if (!isDigit(bytes[i])) return -1;
    i = digits(bytes, i);
  }
  return i;
}

function digits(bytes: Uint8Array, i: number): number {
  while (isDigit(bytes[i])) i++;
  return i;
}

function literal(bytes: Uint8Array, i: number, word: readonly number[]): number {
  for (const expected of word) if (bytes[i++] !== expected) return -1;
  return i;
}

function skipSpace(bytes: Uint8Array, i: number): number {
  for (;;) {
    const c = bytes[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const TRUE = [...'true'].map((ch) => ch.charCodeAt(0));
const FALSE = [...'false'].map((ch) => ch.charCodeAt(0));
const NULL = [...'null'].map((ch) => ch.charCodeAt(0));
/** Bytes that stand for themselves inside a string: all but the quote, the backslash and control characters. */
const STRING_PLAIN = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c !== QUOTE && c !== BACKSLASH ? 1 : 0));
/** \" \\ \/ \b \f \n \r \t */
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((ch) => ch.charCodeAt(0)));
const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;
const isHexDigit = (c: number | undefined) => c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));

/**
 * Provider data is untrusted: it must never reach a terminal able to act on it. These helpers turn
 * control characters, escape sequences and invisible reordering marks into visible escapes.
 */

// C0 controls, DEL, C1 controls (U+009B is a one-byte CSI), bidi overrides/isolates, line/paragraph
// separators, zero-width and BOM characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
const UNSAFE_KEEP_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (ch === '\x1b') return '\\e';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text safe for a terminal: every control character becomes a visible escape. */
export function safeText(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** Like `safeText`, but keeps line feeds (a quoted CSV cell may hold several lines). */
export function safeMultiline(s: string): string {
  return s.replace(UNSAFE_KEEP_NEWLINE, visible);
}

/**
 * JSON text safe for a terminal with the same meaning: `JSON.stringify` escapes C0 controls but not
 * DEL, C1 controls or bidi marks; those become `\uXXXX` escapes (still valid JSON, same data).
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A message from a provider or the system, as one safe line of at most `max` columns. */
export function oneLine(message: string, max = 240): string {
  // An HTML error page (a gateway's 502) reads better as its text.
  const text = /<(?:html|!doctype|body|head)\b/i.test(message) ? message.replace(/<[^>]*>/g, ' ') : message;
  const flat = safeText(text.replace(/\s+/g, ' ').trim());
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// Made on first use: building a grapheme segmenter loads ICU's break-iterator data (about 10 ms),
// which `roster --help` and any output of plain ASCII never need.
let segmenter: Intl.Segmenter | undefined;
function graphemes(s: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(s);
}
const WIDE =
  /[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6]|[\u{16fe0}-\u{1b2ff}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f200}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{3fffd}]/u;
const EMOJI_STYLE = /\p{Extended_Pictographic}\ufe0f|\p{Regional_Indicator}{2}/u;
const ZERO = /^(?:\p{Mark}|\p{Default_Ignorable_Code_Point})+$/u;

function graphemeWidth(g: string): number {
  if (ZERO.test(g)) return 0;
  return WIDE.test(g) || EMOJI_STYLE.test(g) ? 2 : 1;
}

const ASCII = /^[\x20-\x7e]*$/;

/** Columns a string takes in a terminal: CJK and emoji take two, combining marks none. */
export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (const { segment } of graphemes(s)) w += graphemeWidth(segment);
  return w;
}

/** Cuts `s` to at most `width` columns (with `…` when cut) and pads it to exactly `width`. */
export function fitCell(s: string, width: number): string {
  const w = displayWidth(s);
  if (w <= width) return s + ' '.repeat(width - w);
  let out = '';
  let used = 0;
  for (const { segment } of graphemes(s)) {
    const g = graphemeWidth(segment);
    if (used + g > width - 1) break;
    out += segment;
    used += g;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`;
}

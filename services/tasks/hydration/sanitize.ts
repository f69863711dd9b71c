/**
 * Sanitising of external text (issue titles, bodies, comments, memory) before it enters a prompt:
 * HTML comments are removed, HTML tags are stripped (their text kept), control characters other
 * than newline and tab are removed, and so are bidi override/isolate characters and zero-width
 * characters (which can hide text from a human reviewer while the model still reads it).
 *
 * `stripInvisible` is the second half alone (newlines normalised; control, bidi and zero-width
 * characters removed), for text a user typed for the agent (nudges): it is not rendered HTML, so
 * `Vec<String>` or `<!-- -->` in it is meant literally and is kept.
 */

/** HTML comments, including an unterminated one at the end. */
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/** An HTML/XML tag: `<name ...>`, `</name>`, `<name/>`, `<!DOCTYPE ...>`. Not `a < b` or `<3`. */
const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?\/?>|<![A-Za-z][^<>]*>/g;
/** C0 controls other than \t (09) and \n (0A), DEL, and C1 controls. \r is normalised first. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Bidi embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069), and LRM/RLM/ALM marks. */
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
/** Zero-width space/non-joiner/joiner, word joiner, invisible operators, BOM / zero-width no-break space. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD]/g;

/** Text without invisible characters: CRLF/CR → LF; control (but \n, \t), bidi and zero-width characters removed. Idempotent. */
export function stripInvisible(text: string): string {
  return removeInvisible(text.replace(/\r\n?/g, '\n'));
}

function removeInvisible(text: string): string {
  return text.replace(CONTROL, '').replace(BIDI, '').replace(ZERO_WIDTH, '');
}

/** The sanitised text (idempotent: sanitising twice gives the same result). */
export function sanitize(text: string): string {
  let out = text.replace(/\r\n?/g, '\n');
  // Repeat until stable: removing one construct can join the pieces of another (`<scr<!-- -->ipt>`).
  for (let i = 0; i < 5; i += 1) {
    const next = removeInvisible(out.replace(HTML_COMMENT, '').replace(HTML_TAG, ''));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** `sanitize` for optional text. */
export function sanitizeNullable(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : sanitize(text);
}

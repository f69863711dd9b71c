/**
 * Splitting a long text into the pieces one ApplyGuardrail request screens.
 *
 * Size: 10,000 characters (GUARDRAIL_CHUNK_CHARS). ApplyGuardrail caps the text of one request,
 * and Bedrock Guardrails measures, bills and throttles it in text units of up to 1,000 characters,
 * with per-second text-unit quotas (per account and region, see Service Quotas) shared by every
 * caller of the account. A 10-unit piece keeps each request small against both: it stays well
 * inside one second's default quota, a typical issue or comment (a few thousand characters) is
 * still one request, and a full piece is a whole number of units (no unit paid for a sliver).
 * Smaller pieces would only add requests for the same units. The screen's `chunkChars` option
 * changes the size if an account's limits call for it.
 *
 * Overlap: consecutive pieces share their boundary's last 200 characters (GUARDRAIL_CHUNK_OVERLAP),
 * so an injected instruction (a sentence, well under 200 characters) that a boundary would cut in
 * two is whole in one of the pieces. A piece never ends inside a surrogate pair.
 */
export const GUARDRAIL_CHUNK_CHARS = 10_000;
export const GUARDRAIL_CHUNK_OVERLAP = 200;

export function chunkText(text: string, size = GUARDRAIL_CHUNK_CHARS, overlap = GUARDRAIL_CHUNK_OVERLAP): string[] {
  // Each piece must move past the previous one even after a surrogate pair shortens it by one.
  if (!Number.isInteger(size) || !Number.isInteger(overlap) || overlap < 0 || size <= overlap + 2) {
    throw new RangeError(`chunk size ${size} must be an integer larger than the overlap ${overlap} + 2`);
  }
  if (text.length <= size) return [text];
  const chunks: string[] = [];
  let start = 0;
  for (;;) {
    let end = Math.min(start + size, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    chunks.push(text.slice(start, end));
    if (end >= text.length) return chunks;
    start = end - overlap;
    if (isLowSurrogate(text.charCodeAt(start))) start -= 1; // start on the pair's first half
  }
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

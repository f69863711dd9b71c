/**
 * Numbers as EventBridge compares them. The docs ("Content filtering in Amazon EventBridge event
 * patterns", Numeric matching) limit numeric matching to values between -5.0e9 and +5.0e9 inclusive,
 * "with 15 digits of precision, or six digits to the right of the decimal point". That is
 * aws/event-ruler's ComparableNumber: a value v is compared through
 * `(long) (1e6 * (5e9 + v))` — the same IEEE-754 double arithmetic in JavaScript, so
 * `comparable` reproduces it exactly. Values outside the range are not numbers to `numeric`,
 * `anything-but` (numeric lists) or numeric equality; an exact-match number outside the range only
 * matches an equal number.
 */

const NUMERIC_LIMIT = 5e9;

/** Whether `n` can take part in numeric matching (finite and within ±5e9). */
export function isComparable(n: number): boolean {
  return n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT;
}

/** The integer Ruler compares for a number within ±5e9 (six decimal digits kept, rest truncated). */
export function comparable(n: number): number {
  return Math.trunc(1e6 * (NUMERIC_LIMIT + n));
}

/** Ruler's out-of-range message, for pattern operands. */
export const OUT_OF_RANGE = 'Value must be between -5.0E9 and 5.0E9, inclusive';

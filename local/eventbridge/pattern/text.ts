/**
 * String matchers: `wildcard` globs and the case-insensitive comparisons behind `equals-ignore-case`
 * (alone, inside `prefix`/`suffix`, and inside `anything-but`).
 */

/** A compiled `wildcard` value: literal segments separated by unescaped `*`. */
export interface Wildcard {
  (s: string): boolean;
}

/** Thrown by parseWildcard; `position` is the 0-based index in the wildcard value. */
export class WildcardSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

/**
 * Parses a wildcard value as Ruler's WildcardParser does: `*` matches any run of characters
 * (including none), `\*` is a literal asterisk, `\\` a literal backslash; two consecutive unescaped
 * `*` and a backslash before anything else (or at the end) are refused.
 */
export function parseWildcard(value: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '*') {
      if (value[i + 1] === '*') {
        throw new WildcardSyntaxError(`Consecutive wildcard characters at position ${i} of wildcard value "${value}"`, i);
      }
      segments.push(current);
      current = '';
    } else if (c === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new WildcardSyntaxError(
          `Invalid escape character at position ${i} of wildcard value "${value}" (only \\* and \\\\ are allowed)`,
          i,
        );
      }
      current += next;
      i++;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** Compiles parsed wildcard segments into a matcher (case-sensitive, anchored at both ends). */
export function compileWildcard(segments: readonly string[]): Wildcard {
  if (segments.length === 1) {
    const only = segments[0]!;
    return (s) => s === only;
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1).filter((seg) => seg !== '');
  const minLength = first.length + last.length;
  if (middle.length === 0) {
    if (first === '' && last === '') return () => true;
    return (s) => s.length >= minLength && s.startsWith(first) && s.endsWith(last);
  }
  return (s) => {
    if (s.length < minLength || !s.startsWith(first) || !s.endsWith(last)) return false;
    // Greedy leftmost placement of the middle segments is optimal for `*`-only globs.
    let pos = first.length;
    const end = s.length - last.length;
    for (const seg of middle) {
      const at = s.indexOf(seg, pos);
      if (at < 0 || at + seg.length > end) return false;
      pos = at + seg.length;
    }
    return true;
  };
}

/**
 * A case-insensitive literal, built as Ruler's EqualsIgnoreCaseParser builds it: every UTF-16 unit
 * `c` of the pattern matches either `c.toLowerCase()` or `c.toUpperCase()` (locale-independent) in
 * the event value. Most characters map one unit to one unit, which gets a fast path; the few whose
 * case forms differ in length (ß → SS, İ → i̇) go through a small position-set search.
 */
export class CaseInsensitive {
  private readonly lower: string;
  private readonly upper: string;
  /** Per pattern unit, its accepted spellings; only set when some spelling is not one unit long. */
  private readonly units: readonly (readonly string[])[] | null;

  constructor(pattern: string) {
    let lower = '';
    let upper = '';
    const units: string[][] = [];
    let simple = true;
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      const lo = c.toLowerCase();
      const up = c.toUpperCase();
      if (lo.length !== 1 || up.length !== 1) simple = false;
      lower += lo;
      upper += up;
      units.push(lo === up ? [lo] : [lo, up]);
    }
    this.lower = lower;
    this.upper = upper;
    this.units = simple ? null : units;
  }

  private unitAt(s: string, si: number, pi: number): boolean {
    const ch = s.charCodeAt(si);
    return ch === this.lower.charCodeAt(pi) || ch === this.upper.charCodeAt(pi);
  }

  equals(s: string): boolean {
    if (this.units) return this.search(s, true, false);
    const n = this.lower.length;
    if (s.length !== n) return false;
    for (let i = 0; i < n; i++) if (!this.unitAt(s, i, i)) return false;
    return true;
  }

  isPrefixOf(s: string): boolean {
    if (this.units) return this.search(s, false, false);
    const n = this.lower.length;
    if (s.length < n) return false;
    for (let i = 0; i < n; i++) if (!this.unitAt(s, i, i)) return false;
    return true;
  }

  isSuffixOf(s: string): boolean {
    if (this.units) return this.search(s, false, true);
    const n = this.lower.length;
    const offset = s.length - n;
    if (offset < 0) return false;
    for (let i = 0; i < n; i++) if (!this.unitAt(s, offset + i, i)) return false;
    return true;
  }

  /** General path: walk the pattern units, keeping every position the spellings so far can reach. */
  private search(s: string, whole: boolean, fromEnd: boolean): boolean {
    const units = this.units!;
    let positions = new Set<number>([fromEnd ? s.length : 0]);
    for (let k = 0; k < units.length; k++) {
      const unit = units[fromEnd ? units.length - 1 - k : k]!;
      const next = new Set<number>();
      for (const p of positions) {
        for (const alt of unit) {
          const start = fromEnd ? p - alt.length : p;
          if (start >= 0 && s.startsWith(alt, start)) next.add(fromEnd ? start : p + alt.length);
        }
      }
      if (next.size === 0) return false;
      positions = next;
    }
    return whole ? positions.has(s.length) : true;
  }
}

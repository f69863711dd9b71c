/**
 * The event-pattern engine (./pattern, AWS's full content-filter syntax) as the API and the
 * delivery path use it: compile once per pattern text, turn invalid patterns into
 * InvalidEventPatternException.
 */
import { ApiError, invalidPattern } from './errors';
import { compilePattern, matches, type CompiledPattern } from './pattern';

const cache = new Map<string, CompiledPattern>();
const CACHE_LIMIT = 1000;

/** Compiles (and caches) a pattern; an invalid one throws InvalidEventPatternException. */
export function compileOrThrow(pattern: string): CompiledPattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let compiled: CompiledPattern;
  try {
    compiled = compilePattern(pattern);
  } catch (err) {
    const e = err as Error;
    if (e instanceof ApiError) throw e;
    if (e?.name === 'InvalidEventPatternException' || e instanceof SyntaxError) {
      throw invalidPattern(e.message.startsWith('Event pattern is not valid') ? e.message : `Event pattern is not valid. Reason: ${e.message}`);
    }
    throw e;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(pattern, compiled);
  return compiled;
}

/** Whether `event` matches `pattern` (no pattern: everything matches, as for an archive without one). */
export function eventMatches(pattern: string | undefined, event: unknown): boolean {
  if (pattern === undefined) return true;
  return matches(compileOrThrow(pattern), event);
}

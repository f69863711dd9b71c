/** Query parameters, checked: a bad value is a 400 that names the parameter and what it accepts. */
import { ApiError } from './errors';

export function limitParam(query: Readonly<Record<string, string>>, defaults: { readonly default: number; readonly max: number }): number {
  const raw = query.limit;
  if (raw === undefined) return defaults.default;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > defaults.max) {
    throw new ApiError('VALIDATION_ERROR', `limit must be an integer from 1 to ${defaults.max} (got ${JSON.stringify(raw.slice(0, 20))}).`);
  }
  return Number(raw);
}

export function booleanParam(query: Readonly<Record<string, string>>, name: string): boolean {
  const raw = query[name];
  if (raw === undefined || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1' || raw === '') return true;
  throw new ApiError('VALIDATION_ERROR', `${name} must be true or false (got ${JSON.stringify(raw.slice(0, 20))}).`);
}

/** Query parameters a route does not know are refused, so a typo (`statuss=`) is not silently ignored. */
export function knownParams(query: Readonly<Record<string, string>>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ApiError('VALIDATION_ERROR', `Unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(', ')}; this endpoint takes ${known.length ? known.join(', ') : 'none'}.`);
  }
}

/**
 * Checks on request members, with AWS's wording for constraint violations
 * ("1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: …").
 */
import { validation } from '../errors';

export type Req = Record<string, unknown>;

const memberName = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

function constraint(key: string, value: unknown, text: string): never {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  throw validation(`1 validation error detected: Value '${shown}' at '${memberName(key)}' failed to satisfy constraint: ${text}`);
}

export interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

export function optString(req: Req, key: string, rule: StringRule = {}): string | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw validation(`Parameter ${key} must be a string.`);
  if (rule.min !== undefined && v.length < rule.min) constraint(key, v, `Member must have length greater than or equal to ${rule.min}`);
  if (rule.max !== undefined && v.length > rule.max) constraint(key, v, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(v)) constraint(key, v, `Member must satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, '')}`);
  return v;
}

export function reqString(req: Req, key: string, rule: StringRule = {}): string {
  const v = optString(req, key, { min: 1, ...rule });
  if (v === undefined) constraint(key, null, 'Member must not be null');
  return v;
}

export function optEnum<T extends string>(req: Req, key: string, values: readonly T[]): T | undefined {
  const v = optString(req, key);
  if (v !== undefined && !values.includes(v as T)) constraint(key, v, `Member must satisfy enum value set: [${values.join(', ')}]`);
  return v as T | undefined;
}

export function optInt(req: Req, key: string, min: number, max: number): number | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw validation(`Parameter ${key} must be an integer.`);
  if (v < min) constraint(key, v, `Member must have value greater than or equal to ${min}`);
  if (v > max) constraint(key, v, `Member must have value less than or equal to ${max}`);
  return v;
}

export function optObject(req: Req, key: string): Req | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw validation(`Parameter ${key} must be a structure.`);
  return v as Req;
}

export function reqList(req: Req, key: string, min: number, max: number): unknown[] {
  const v = req[key];
  if (v === undefined || v === null) constraint(key, null, 'Member must not be null');
  if (!Array.isArray(v)) throw validation(`Parameter ${key} must be a list.`);
  if (v.length < min) constraint(key, v, `Member must have length greater than or equal to ${min}`);
  if (v.length > max) constraint(key, v, `Member must have length less than or equal to ${max}`);
  return v;
}

export function optStringList(req: Req, key: string): string[] | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw validation(`Parameter ${key} must be a list of strings.`);
  return v as string[];
}

/**
 * A timestamp member in epoch seconds. The SDKs send epoch seconds (a number) for awsJson 1.1;
 * ISO 8601 strings and numeric strings are accepted too.
 */
function optTimestamp(req: Req, key: string): number | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw validation(`Parameter ${key} is not a valid timestamp.`);
}

export function reqTimestamp(req: Req, key: string): number {
  const v = optTimestamp(req, key);
  if (v === undefined) constraint(key, null, 'Member must not be null');
  return v;
}

/** Resource names: rules, archives, replays, connections, API destinations. */
export const NAME = /^[.\-_A-Za-z0-9]+$/;
/** Event bus names (custom buses may not contain `/`; partner buses do). */
export const BUS_NAME = /^[/.\-_A-Za-z0-9]+$/;

/** Pagination with an opaque NextToken (the offset) and Limit (1–100). */
export function paginate<T>(req: Req, items: readonly T[], defaultLimit = 100): { page: T[]; NextToken?: string } {
  const limit = optInt(req, 'Limit', 1, 100) ?? defaultLimit;
  const token = optString(req, 'NextToken');
  let offset = 0;
  if (token !== undefined) {
    const decoded = Number(Buffer.from(token, 'base64').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw validation('The NextToken is not valid.');
    offset = decoded;
  }
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`o:${offset + limit}`).toString('base64') : undefined;
  return next === undefined ? { page } : { page, NextToken: next };
}

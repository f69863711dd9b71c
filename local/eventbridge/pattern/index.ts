/**
 * Amazon EventBridge event-pattern matching, dependency-free.
 *
 * Semantics follow the EventBridge user guide ("Creating Amazon EventBridge event patterns",
 * "Content filtering in Amazon EventBridge event patterns", "Comparison operators for use in event
 * patterns in Amazon EventBridge", "Arrays in Amazon EventBridge event patterns", "Matching null
 * values and empty strings in Amazon EventBridge event patterns") and, for edge cases the docs do not
 * spell out, aws/event-ruler — the Java engine EventBridge runs (JsonRuleCompiler, ByteMachine,
 * ACFinder, CIDR, ComparableNumber). See README.md beside this file for the decisions taken.
 *
 * A pattern is compiled once into a tree of closures; `matches` walks the event along the pattern
 * only, so its cost depends on the pattern's size, not the event's.
 */
import { ipHex, parseCidr, type IpRange, ipInRange } from './ip';
import { OUT_OF_RANGE, comparable, isComparable } from './numeric';
import { CaseInsensitive, WildcardSyntaxError, compileWildcard, parseWildcard, type Wildcard } from './text';

/** Thrown for every pattern EventBridge refuses; `message` reads like AWS's InvalidEventPatternException. */
export class InvalidEventPatternError extends Error {
  override readonly name = 'InvalidEventPatternException';
  /** What is wrong, without the "Event pattern is not valid" preamble. */
  readonly reason: string;
  /** Where in the pattern (e.g. `detail.repo[0]`, `$or[1].source`); empty for the pattern as a whole. */
  readonly path: string;

  constructor(reason: string, path: string) {
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` at ${path}` : ''}`);
    this.reason = reason;
    this.path = path;
  }
}

/** A JSON leaf as it appears in events: the only values patterns compare. */
type Leaf = string | number | boolean | null;
/** Matches one object scope of the event (an object, or anything else standing for "no fields"). */
type Scope = (node: unknown) => boolean;
/** Matches the value found under one pattern key within a scope (undefined when the key is absent). */
type FieldTest = (scope: Record<string, unknown> | undefined) => boolean;

/** A pattern compiled for repeated matching. Create with compilePattern. */
export class CompiledPattern {
  /** The pattern as given (parsed, when it was given as JSON text). */
  readonly pattern: Readonly<Record<string, unknown>>;
  private readonly root: Scope;

  /** @internal use compilePattern */
  constructor(pattern: Record<string, unknown>, root: Scope) {
    this.pattern = pattern;
    this.root = root;
  }

  /** Whether `event` (a JSON object) matches; anything that is not an object matches nothing. */
  matches(event: unknown): boolean {
    return isObject(event) && this.root(event);
  }
}

/**
 * Parses (when given JSON text) and validates an event pattern, compiling it for matching.
 * Throws InvalidEventPatternError for anything EventBridge refuses.
 */
export function compilePattern(pattern: string | object): CompiledPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch (err) {
      throw new InvalidEventPatternError(`Invalid JSON: ${(err as Error).message}`, '');
    }
  }
  if (!isObject(parsed)) {
    throw new InvalidEventPatternError(`Filter is not an object: an event pattern must be a JSON object (got ${show(parsed)})`, '');
  }
  return new CompiledPattern(parsed, compileScope(parsed, '', false));
}

/** Whether `event` matches the compiled pattern. */
export function matches(compiled: CompiledPattern, event: unknown): boolean {
  return compiled.matches(event);
}

const textCache = new Map<string, CompiledPattern>();
const TEXT_CACHE_LIMIT = 500;

/** Convenience: compile (JSON text is cached) and match. Throws InvalidEventPatternError for a bad pattern. */
export function matchesPattern(pattern: string | object, event: unknown): boolean {
  if (typeof pattern !== 'string') return compilePattern(pattern).matches(event);
  let compiled = textCache.get(pattern);
  if (!compiled) {
    compiled = compilePattern(pattern);
    if (textCache.size >= TEXT_CACHE_LIMIT) textCache.delete(textCache.keys().next().value as string);
    textCache.set(pattern, compiled);
  }
  return compiled.matches(event);
}

// ---------------------------------------------------------------------------------------------
// Structure: objects, fields, $or
// ---------------------------------------------------------------------------------------------

/** Keys that may not be field names inside `$or` (Ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr',
  '=', '<', '<=', '>', '>=',
  'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

const OPERATORS = ['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr'];

function compileScope(pattern: Record<string, unknown>, path: string, insideOr: boolean): Scope {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail('Empty objects are not allowed', path);

  const leafFields: FieldTest[] = [];
  const objectFields: FieldTest[] = [];
  const orGroups: Scope[][] = [];
  for (const key of keys) {
    const value = pattern[key];
    if (key === '$or') {
      orGroups.push(compileOr(value, join(path, '$or')));
      continue;
    }
    const here = join(path, key);
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(`"${key}" is a reserved keyword and cannot be used as a field name inside "$or"`, here);
    }
    if (Array.isArray(value)) {
      leafFields.push(compileLeafField(key, value, here));
    } else if (isObject(value)) {
      const child = distribute(compileScope(value, here, insideOr));
      objectFields.push((scope) => child(scope === undefined ? undefined : own(scope, key)));
    } else {
      fail(`"${key}" must be an object or an array${structureHint(key, value, path)}`, here);
    }
  }

  // Cheapest first: leaf comparisons, then nested objects, then alternatives.
  const fields = [...leafFields, ...objectFields];
  const nFields = fields.length;
  const nOr = orGroups.length;
  return (node) => {
    const scope = isObject(node) ? node : undefined;
    for (let i = 0; i < nFields; i++) if (!fields[i]!(scope)) return false;
    for (let g = 0; g < nOr; g++) {
      const alternatives = orGroups[g]!;
      let any = false;
      for (let a = 0; a < alternatives.length; a++) {
        if (alternatives[a]!(node)) {
          any = true;
          break;
        }
      }
      if (!any) return false;
    }
    return true;
  };
}

function compileOr(value: unknown, path: string): Scope[] {
  if (!Array.isArray(value)) {
    fail(`Value of "$or" must be an array of at least 2 objects (got ${show(value)})`, path);
  }
  const alternatives = value.map((element, i) => {
    if (!isObject(element)) fail(`Only JSON objects are allowed in a "$or" array (got ${show(element)})`, `${path}[${i}]`);
    return compileScope(element, `${path}[${i}]`, true);
  });
  if (alternatives.length < 2) {
    fail(`There must be at least 2 objects in a "$or" array (got ${alternatives.length})`, path);
  }
  return alternatives;
}

/**
 * An object pattern applied to an event value. When the value is an array, the pattern must match
 * one element as a whole (array-consistent matching, as Ruler's rulesForJSONEvent/ACFinder: fields
 * taken from different elements of the same array never combine); nested arrays are flattened, and
 * an array with no elements counts as an absent value.
 */
function distribute(scope: Scope): Scope {
  const anyElement = (arr: readonly unknown[]): number => {
    // 2 = matched, 1 = had elements, 0 = no elements at all
    let seen = 0;
    for (let i = 0; i < arr.length; i++) {
      const el = arr[i];
      if (Array.isArray(el)) {
        const r = anyElement(el);
        if (r === 2) return 2;
        if (r === 1) seen = 1;
      } else {
        if (scope(el)) return 2;
        seen = 1;
      }
    }
    return seen;
  };
  return (node) => {
    if (!Array.isArray(node)) return scope(node);
    const r = anyElement(node);
    return r === 2 || (r === 0 && scope(undefined));
  };
}

// ---------------------------------------------------------------------------------------------
// Leaf fields: the array of values/operators under a key
// ---------------------------------------------------------------------------------------------

type StringTest = (s: string) => boolean;
/** Tests the comparable form (see numeric.ts) of a number within ±5e9. */
type NumberTest = (q: number) => boolean;
type AnyTest = (v: Leaf) => boolean;

/** Everything one leaf array asks for, grouped by the event value's type. */
class LeafSpec {
  readonly strings = new Set<string>();
  /** Exact-match strings that are IP literals: compared as addresses (Ruler turns them into IP ranges). */
  readonly ips = new Set<string>();
  readonly numbers = new Set<number>();
  readonly bigNumbers = new Set<number>();
  matchTrue = false;
  matchFalse = false;
  matchNull = false;
  existsTrue = false;
  existsFalse = false;
  readonly stringTests: StringTest[] = [];
  readonly numberTests: NumberTest[] = [];
  readonly anyTests: AnyTest[] = [];
}

function compileLeafField(key: string, values: readonly unknown[], path: string): FieldTest {
  if (values.length === 0) fail('Empty arrays are not allowed', path);
  const spec = new LeafSpec();
  values.forEach((v, i) => addLeafValue(spec, v, `${path}[${i}]`));
  const test = buildLeafTest(spec);
  const present = spec.existsTrue ? () => true : test;
  const absent = spec.existsFalse;
  return (scope) => {
    const v = scope === undefined ? undefined : own(scope, key);
    if (v === undefined) return absent;
    if (Array.isArray(v)) {
      const r = scanLeaves(v, present);
      return r === 2 || (r === 0 && absent);
    }
    if (isLeaf(v)) return present(v);
    return absent; // an object (or other non-leaf): the field has no leaf value here
  };
}

/** Over an event array (nested arrays flattened): 2 = a leaf passed, 1 = leaves but none passed, 0 = no leaf. */
function scanLeaves(arr: readonly unknown[], test: AnyTest): number {
  let seen = 0;
  for (let i = 0; i < arr.length; i++) {
    const el = arr[i];
    if (Array.isArray(el)) {
      const r = scanLeaves(el, test);
      if (r === 2) return 2;
      if (r === 1) seen = 1;
    } else if (isLeaf(el)) {
      if (test(el)) return 2;
      seen = 1;
    }
  }
  return seen;
}

function buildLeafTest(spec: LeafSpec): AnyTest {
  const { strings, ips, numbers, bigNumbers, matchTrue, matchFalse, matchNull, stringTests, numberTests, anyTests } = spec;
  const hasIps = ips.size > 0;
  const nString = stringTests.length;
  const nNumber = numberTests.length;
  const nAny = anyTests.length;
  return (v) => {
    switch (typeof v) {
      case 'string': {
        if (strings.has(v)) return true;
        for (let i = 0; i < nString; i++) if (stringTests[i]!(v)) return true;
        if (hasIps) {
          const hex = ipHex(v);
          if (hex !== null && ips.has(hex)) return true;
        }
        break;
      }
      case 'number': {
        if (isComparable(v)) {
          const q = comparable(v);
          if (numbers.has(q)) return true;
          for (let i = 0; i < nNumber; i++) if (numberTests[i]!(q)) return true;
        } else if (bigNumbers.has(v)) {
          return true;
        }
        break;
      }
      case 'boolean':
        if (v ? matchTrue : matchFalse) return true;
        break;
      default:
        if (matchNull) return true; // null
    }
    for (let i = 0; i < nAny; i++) if (anyTests[i]!(v)) return true;
    return false;
  };
}

function addLeafValue(spec: LeafSpec, v: unknown, path: string): void {
  if (typeof v === 'string') {
    const hex = ipHex(v);
    if (hex !== null) spec.ips.add(hex);
    else spec.strings.add(v);
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(`Match value must be String, number, true, false, or null (got ${show(v)})`, path);
    if (isComparable(v)) spec.numbers.add(comparable(v));
    else spec.bigNumbers.add(v); // beyond ±5e9 Ruler only matches the same literal
  } else if (v === true) {
    spec.matchTrue = true;
  } else if (v === false) {
    spec.matchFalse = true;
  } else if (v === null) {
    spec.matchNull = true;
  } else if (isObject(v)) {
    addOperator(spec, v, path);
  } else {
    fail(`Match value must be String, number, true, false, or null (got ${show(v)})`, path);
  }
}

// ---------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------

function addOperator(spec: LeafSpec, expr: Record<string, unknown>, path: string): void {
  const keys = Object.keys(expr);
  if (keys.length === 0) {
    fail(`Match expression name not found: an operator object needs exactly one key, one of ${OPERATORS.join(', ')}`, path);
  }
  if (keys.length > 1) fail(`Only one key allowed in match expression (got ${keys.map((k) => `"${k}"`).join(', ')})`, path);
  const op = keys[0]!;
  const value = expr[op];
  switch (op) {
    case 'prefix': {
      const { text, ignoreCase } = affixOperand('prefix', value, path);
      if (ignoreCase) {
        const ci = new CaseInsensitive(text);
        spec.stringTests.push((s) => ci.isPrefixOf(s));
      } else {
        spec.stringTests.push((s) => s.startsWith(text));
      }
      return;
    }
    case 'suffix': {
      const { text, ignoreCase } = affixOperand('suffix', value, path);
      if (ignoreCase) {
        const ci = new CaseInsensitive(text);
        spec.stringTests.push((s) => ci.isSuffixOf(s));
      } else {
        spec.stringTests.push((s) => s.endsWith(text));
      }
      return;
    }
    case 'equals-ignore-case': {
      if (typeof value !== 'string') fail(`Value of "equals-ignore-case" must be a string (got ${show(value)})`, path);
      const ci = new CaseInsensitive(value);
      spec.stringTests.push((s) => ci.equals(s));
      return;
    }
    case 'wildcard': {
      if (typeof value !== 'string') fail(`Value of "wildcard" must be a string (got ${show(value)})`, path);
      spec.stringTests.push(wildcardOperand(value, path));
      return;
    }
    case 'exists': {
      if (typeof value !== 'boolean') fail(`Value of "exists" must be either true or false (got ${show(value)})`, path);
      if (value) spec.existsTrue = true;
      else spec.existsFalse = true;
      return;
    }
    case 'cidr': {
      if (typeof value !== 'string') fail(`Value of "cidr" must be a string (got ${show(value)})`, path);
      let range: IpRange;
      try {
        range = parseCidr(value);
      } catch (err) {
        return fail((err as Error).message, path);
      }
      spec.stringTests.push((s) => ipInRange(s, range));
      return;
    }
    case 'numeric':
      spec.numberTests.push(numericOperand(value, path));
      return;
    case 'anything-but':
      spec.anyTests.push(anythingButOperand(value, path));
      return;
    default:
      fail(`Unrecognized match type "${op}" (supported: ${OPERATORS.join(', ')})`, path);
  }
}

/** `prefix`/`suffix` take a string, or `{"equals-ignore-case": "..."}`. */
function affixOperand(op: 'prefix' | 'suffix', value: unknown, path: string): { text: string; ignoreCase: boolean } {
  if (typeof value === 'string') return { text: value, ignoreCase: false };
  if (!isObject(value)) {
    fail(`Value of "${op}" must be a string or {"equals-ignore-case": "..."} (got ${show(value)})`, path);
  }
  const keys = Object.keys(value);
  if (keys.length === 0) fail(`${capitalize(op)} expression name not found: expected {"equals-ignore-case": "..."}`, path);
  if (keys[0] !== 'equals-ignore-case') {
    fail(`Unsupported ${op} pattern "${keys[0]}": only "equals-ignore-case" may be nested in "${op}"`, path);
  }
  if (keys.length > 1) fail(`Only one key allowed in match expression (got ${keys.map((k) => `"${k}"`).join(', ')})`, path);
  const text = value['equals-ignore-case'];
  if (typeof text !== 'string') fail(`Value of "equals-ignore-case" must be a string (got ${show(text)})`, path);
  return { text, ignoreCase: true };
}

function wildcardOperand(value: string, path: string): Wildcard {
  try {
    return compileWildcard(parseWildcard(value));
  } catch (err) {
    if (err instanceof WildcardSyntaxError) return fail(err.message, path);
    throw err;
  }
}

function numericValue(op: string, value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    fail(`Value of "${op}" in "numeric" must be a number (got ${value === undefined ? 'nothing' : show(value)})`, path);
  }
  if (!isComparable(value)) fail(`${OUT_OF_RANGE} (got ${show(value)})`, path);
  return comparable(value);
}

/**
 * `numeric` takes ["=", n], ["<" | "<=", n], [">" | ">=", n] or [">" | ">=", low, "<" | "<=", high]
 * (lower bound first, low < high), operands within ±5e9 — JsonRuleCompiler's grammar.
 */
function numericOperand(value: unknown, path: string): NumberTest {
  if (!Array.isArray(value)) fail(`Value of "numeric" must be an array (got ${show(value)})`, path);
  const op = value[0];
  if (typeof op !== 'string') {
    fail(`Invalid member in numeric match: expected an operator ("=", "<", "<=", ">", ">=") first (got ${value.length ? show(op) : 'an empty array'})`, path);
  }
  const tooMany = (): never => fail(`Too many elements in numeric expression ${show(value)}`, path);
  switch (op) {
    case '=': {
      const q = numericValue(op, value[1], path);
      if (value.length > 2) tooMany();
      return (x) => x === q;
    }
    case '<':
    case '<=': {
      const top = numericValue(op, value[1], path);
      if (value.length > 2) tooMany();
      return op === '<' ? (x) => x < top : (x) => x <= top;
    }
    case '>':
    case '>=': {
      const bottom = numericValue(op, value[1], path);
      const openBottom = op === '>';
      if (value.length === 2) return openBottom ? (x) => x > bottom : (x) => x >= bottom;
      const op2 = value[2];
      if (typeof op2 !== 'string') fail(`Bad value in numeric range: expected "<" or "<=" (got ${show(op2)})`, path);
      if (op2 !== '<' && op2 !== '<=') {
        fail(`Bad numeric range operator "${op2}": the upper bound of a range must use "<" or "<="`, path);
      }
      const top = numericValue(op2, value[3], path);
      if (value.length > 4) fail(`Too many terms in numeric range expression ${show(value)}`, path);
      if (bottom >= top) fail(`Bottom must be less than top in numeric range ${show(value)}`, path);
      const openTop = op2 === '<';
      if (openBottom) return openTop ? (x) => x > bottom && x < top : (x) => x > bottom && x <= top;
      return openTop ? (x) => x >= bottom && x < top : (x) => x >= bottom && x <= top;
    }
    default:
      return fail(`Unrecognized numeric range operator "${op}" (expected "=", "<", "<=", ">" or ">=")`, path);
  }
}

const ANYTHING_BUT_SHAPE = 'Value of "anything-but" must be an array or single string/number value';

/**
 * `anything-but` matches any present leaf value except the listed ones — including values of other
 * types (Ruler only ever excludes values of the listed kind), and never an absent field.
 */
function anythingButOperand(value: unknown, path: string): AnyTest {
  if (isObject(value)) return anythingButObject(value, path);
  if (typeof value === 'string') return (v) => v !== value;
  if (typeof value === 'number') {
    const q = anythingButNumber(value, path);
    return (v) => typeof v !== 'number' || !isComparable(v) || comparable(v) !== q;
  }
  if (!Array.isArray(value)) fail(`${ANYTHING_BUT_SHAPE} (got ${show(value)})`, path);
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const item of value) {
    if (typeof item === 'string') strings.add(item);
    else if (typeof item === 'number') numbers.add(anythingButNumber(item, path));
    else fail(`Inside anything-but list, only strings and numbers are supported: start|null|boolean is not (got ${show(item)})`, path);
  }
  if (strings.size > 0 === numbers.size > 0) {
    fail('Inside anything-but list, either all values are number or string, mixed type is not supported' +
      (value.length === 0 ? ' (the list is empty)' : ''), path);
  }
  if (strings.size > 0) return (v) => typeof v !== 'string' || !strings.has(v);
  return (v) => typeof v !== 'number' || !isComparable(v) || !numbers.has(comparable(v));
}

function anythingButNumber(value: number, path: string): number {
  if (!Number.isFinite(value)) fail(`${ANYTHING_BUT_SHAPE} (got ${show(value)})`, path);
  if (!isComparable(value)) fail(`${OUT_OF_RANGE} (got ${show(value)})`, path);
  return comparable(value);
}

const ANYTHING_BUT_NESTED = ['equals-ignore-case', 'prefix', 'suffix', 'wildcard'] as const;
type AnythingButNested = (typeof ANYTHING_BUT_NESTED)[number];

/** `{"anything-but": {"prefix" | "suffix" | "equals-ignore-case" | "wildcard": string | string[]}}`. */
function anythingButObject(expr: Record<string, unknown>, path: string): AnyTest {
  const keys = Object.keys(expr);
  if (keys.length === 0) {
    fail(`Anything-But expression name not found: expected one of ${ANYTHING_BUT_NESTED.join(', ')}`, path);
  }
  const op = keys[0]!;
  if (!(ANYTHING_BUT_NESTED as readonly string[]).includes(op)) {
    fail(`Unsupported anything-but pattern "${op}" (supported inside "anything-but": ${ANYTHING_BUT_NESTED.join(', ')})`, path);
  }
  if (keys.length > 1) fail(`Only one key allowed in anything-but expression (got ${keys.map((k) => `"${k}"`).join(', ')})`, path);
  const inner = expr[op];
  if (!(Array.isArray(inner) || typeof inner === 'string' || (typeof inner === 'number' && Number.isFinite(inner)))) {
    fail(`${ANYTHING_BUT_SHAPE} (got ${show(inner)})`, path);
  }
  const items: readonly unknown[] = Array.isArray(inner) ? inner : [inner];
  if (items.length === 0) fail(`The "anything-but" "${op}" list must not be empty`, path);
  const texts = items.map((item) => anythingButText(op as AnythingButNested, item, path));
  const notString = (v: Leaf): v is Exclude<Leaf, string> => typeof v !== 'string';
  switch (op as AnythingButNested) {
    case 'prefix':
      return (v) => notString(v) || !texts.some((t) => v.startsWith(t));
    case 'suffix':
      return (v) => notString(v) || !texts.some((t) => v.endsWith(t));
    case 'equals-ignore-case': {
      const cis = texts.map((t) => new CaseInsensitive(t));
      return (v) => notString(v) || !cis.some((ci) => ci.equals(v));
    }
    case 'wildcard': {
      const globs = texts.map((t) => wildcardOperand(t, path));
      return (v) => notString(v) || !globs.some((g) => g(v));
    }
  }
}

function anythingButText(op: AnythingButNested, item: unknown, path: string): string {
  if (typeof item !== 'string') {
    if (op === 'equals-ignore-case') {
      fail(`Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported (got ${show(item)})`, path);
    }
    fail(`Value of "${op}" inside "anything-but" must be a string (got ${show(item)})`, path);
  }
  if ((op === 'prefix' || op === 'suffix') && item === '') {
    fail(`Null prefix/suffix not allowed: an "anything-but" ${op} must not be empty`, path);
  }
  return item;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, path);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isLeaf(v: unknown): v is Leaf {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || v === null;
}

/** An own property (never one inherited from Object.prototype such as "constructor"). */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function join(path: string, key: string): string {
  const segment = /^[A-Za-z0-9_$@:-]+$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${segment}` : segment;
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') return `a ${typeof v}`;
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A hint for the commonest structural mistakes: a bare value, or an operator outside its array. */
function structureHint(key: string, value: unknown, parentPath: string): string {
  if (OPERATORS.includes(key) && parentPath) {
    return ` (operators go inside the field's array, e.g. {"${lastSegment(parentPath)}": [{"${key}": ${show(value)}}]})`;
  }
  if (isLeaf(value)) return ` (values to match go in an array, e.g. {"${key}": [${show(value)}]})`;
  return ` (got ${show(value)})`;
}

function lastSegment(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? path : path.slice(dot + 1);
}

/**
 * What a target receives: the event, or the target's Input (constant JSON), InputPath (a part of
 * the event) or InputTransformer (InputPathsMap + InputTemplate), with AWS's rules:
 *
 * - paths are EventBridge's JSONPath subset: `$`, `.name` (dashes, slashes allowed), `['name']`,
 *   `[0]`, `[*]` / `.*` (a wildcard yields the array of what it matched);
 * - a template that is JSON (starts with `{`, `[` or `"`) takes values as JSON outside quotes
 *   (`"id": <id>` → `"id": "t-1"`) and as text inside quotes (`"Task <id>"` → `"Task t-1"`);
 *   text inside quotes is escaped so the result stays JSON (a quote in a value becomes `\"`);
 * - any other template is text: strings go in raw, other values as JSON;
 * - a path that matches nothing gives `null` as a JSON value and nothing inside quotes or text;
 * - predefined: <aws.events.rule-name>, <aws.events.rule-arn>, <aws.events.event.ingestion-time>
 *   (ISO 8601), <aws.events.event> (the event without `detail`), <aws.events.event.json> (the whole
 *   event); the last two are JSON and belong in value position.
 */
import type { EventBridgeEvent, InputTransformer, TargetRecord } from './model';

export class InputPathError extends Error {}

type Step = { key: string } | { index: number } | { wildcard: true };

const pathCache = new Map<string, Step[]>();

/** Parses an EventBridge JSONPath; throws InputPathError when it is not one. */
export function parsePath(path: string): Step[] {
  const cached = pathCache.get(path);
  if (cached) return cached;
  if (!path.startsWith('$')) throw new InputPathError(`JSON path ${JSON.stringify(path)} must start with $`);
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const key = path.slice(i + 1, j);
      if (!key) throw new InputPathError(`JSON path ${JSON.stringify(path)} has an empty name`);
      steps.push(key === '*' ? { wildcard: true } : { key });
      i = j;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new InputPathError(`JSON path ${JSON.stringify(path)} has an unclosed [`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ wildcard: true });
      else if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else if (/^'[^']*'$/.test(inner) || /^"[^"]*"$/.test(inner)) steps.push({ key: inner.slice(1, -1) });
      else throw new InputPathError(`JSON path ${JSON.stringify(path)} has an unsupported selector [${inner}]`);
      i = close + 1;
    } else {
      throw new InputPathError(`JSON path ${JSON.stringify(path)} is not valid at position ${i}`);
    }
  }
  if (pathCache.size > 5000) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

const MISSING = Symbol('missing');
type Found = unknown | typeof MISSING;

function step(value: unknown, s: Step): unknown[] {
  if (value === null || typeof value !== 'object') return [];
  if ('wildcard' in s) return Array.isArray(value) ? value : Object.values(value);
  if ('index' in s) return Array.isArray(value) && s.index < value.length ? [value[s.index]] : [];
  return !Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, s.key) ? [(value as Record<string, unknown>)[s.key]] : [];
}

/** The value at `path` in `root`: MISSING when nothing matches; an array when a wildcard is used. */
function resolve(root: unknown, path: string): Found {
  const steps = parsePath(path);
  let values: unknown[] = [root];
  let wildcard = false;
  for (const s of steps) {
    if ('wildcard' in s) wildcard = true;
    values = values.flatMap((v) => step(v, s));
  }
  if (wildcard) return values;
  return values.length ? values[0] : MISSING;
}

/** The value at a path, undefined when nothing matches. */
export function valueAtPath(root: unknown, path: string): unknown {
  const v = resolve(root, path);
  return v === MISSING ? undefined : v;
}

export interface TemplateContext {
  readonly event: EventBridgeEvent;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly ingestionTime: number;
}

interface Var {
  readonly value: Found;
}

const PLACEHOLDER = /<([A-Za-z0-9_.\-]+)>/y;

const isJsonTemplate = (template: string) => /^\s*[{["]/.test(template);

/** Escapes text for the inside of a JSON string. */
const escapeInString = (text: string) => JSON.stringify(text).slice(1, -1);

function render(template: string, vars: ReadonlyMap<string, Var>): string {
  const json = isJsonTemplate(template);
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '<') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      const v = m ? vars.get(m[1]!) : undefined;
      if (m && v) {
        out += substitute(v, json, inString);
        i += m[0].length;
        continue;
      }
    }
    if (json) {
      if (c === '\\' && inString) {
        out += template.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '"') inString = !inString;
    }
    out += c;
    i++;
  }
  return out;
}

function substitute(v: Var, json: boolean, inString: boolean): string {
  if (v.value === MISSING) return json && !inString ? 'null' : '';
  if (json && !inString) return JSON.stringify(v.value);
  const text = typeof v.value === 'string' ? v.value : JSON.stringify(v.value);
  return json ? escapeInString(text) : text;
}

/** Applies an InputTransformer to an event. */
export function transform(transformer: InputTransformer, ctx: TemplateContext): string {
  const vars = new Map<string, Var>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) vars.set(name, { value: resolve(ctx.event, path) });
  const { detail: _detail, ...withoutDetail } = ctx.event;
  vars.set('aws.events.rule-name', { value: ctx.ruleName });
  vars.set('aws.events.rule-arn', { value: ctx.ruleArn });
  vars.set('aws.events.event.ingestion-time', { value: new Date(ctx.ingestionTime).toISOString() });
  vars.set('aws.events.event', { value: withoutDetail });
  vars.set('aws.events.event.json', { value: ctx.event });
  return render(transformer.InputTemplate, vars);
}

/** The text a target receives for an event (the event itself as JSON by default). */
export function targetInput(target: Pick<TargetRecord, 'Input' | 'InputPath' | 'InputTransformer'>, ctx: TemplateContext): string {
  if (target.Input !== undefined) return target.Input;
  if (target.InputPath !== undefined) {
    const v = resolve(ctx.event, target.InputPath);
    return JSON.stringify(v === MISSING ? null : v);
  }
  if (target.InputTransformer) return transform(target.InputTransformer, ctx);
  return JSON.stringify(ctx.event);
}

/**
 * Checks an InputTransformer as PutTargets does; returns a reason when it is not valid. A JSON
 * template must be valid JSON once its placeholders are filled (so no placeholder as a key).
 */
export function checkInputTransformer(t: InputTransformer): string | undefined {
  if (typeof t.InputTemplate !== 'string' || t.InputTemplate.length === 0) return 'InputTemplate is required.';
  if (t.InputTemplate.length > 8192) return 'InputTemplate is longer than 8192 characters.';
  const map = t.InputPathsMap ?? {};
  if (typeof map !== 'object' || Array.isArray(map)) return 'InputPathsMap must be a map of names to JSON paths.';
  const names = Object.keys(map);
  if (names.length > 100) return 'InputPathsMap has more than 100 entries.';
  const vars = new Map<string, Var>();
  for (const name of names) {
    if (!/^[A-Za-z0-9_\-]+$/.test(name)) return `InputPathsMap key ${JSON.stringify(name)} is not valid.`;
    if (/^aws\./i.test(name) || /^aws$/i.test(name)) return `InputPathsMap key ${JSON.stringify(name)} is reserved.`;
    const path = map[name];
    if (typeof path !== 'string') return `InputPathsMap value for ${name} must be a JSON path.`;
    try {
      parsePath(path);
    } catch (err) {
      return (err as Error).message;
    }
    // A number: a placeholder used as an object key then makes the template invalid JSON.
    vars.set(name, { value: 0 });
  }
  if (/^\s*[{[]/.test(t.InputTemplate)) {
    for (const p of ['aws.events.rule-name', 'aws.events.rule-arn', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json']) vars.set(p, { value: 0 });
    try {
      JSON.parse(render(t.InputTemplate, vars));
    } catch {
      return 'InputTemplate is not valid JSON once its placeholders are filled (a placeholder cannot be an object key).';
    }
  }
  return undefined;
}

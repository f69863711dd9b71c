/** Pure parts of the API: routing, page tokens, idempotent task ids, signatures, query parameters. */
import { signBody, signatureMatches } from '../kernel/hmac-signature';
import { ApiError } from './errors';
import { jsonBody } from './http';
import { idempotencyKeyOf, taskIdForKey } from './idempotency';
import { PageTokens } from './page-token';
import { knownParams, limitParam } from './params';
import { Router, idParam, type Route } from './router';

const handle = async () => ({ status: 200 });
const routes: Route[] = [
  { method: 'GET', path: '/v1/tasks', auth: 'user', summary: '', handle },
  { method: 'GET', path: '/v1/tasks/{task_id}', auth: 'user', summary: '', handle },
  { method: 'DELETE', path: '/v1/tasks/{task_id}', auth: 'user', summary: '', handle },
  { method: 'POST', path: '/v1/webhooks/tasks', auth: 'none', summary: '', handle },
  { method: 'DELETE', path: '/v1/webhooks/{webhook_id}', auth: 'user', summary: '', handle },
];

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as ApiError).code;
  }
  return undefined;
};

describe('router', () => {
  const router = new Router(routes);
  test('matches fixed and templated paths, with parameters decoded', () => {
    expect(router.match('GET', '/v1/tasks').route.path).toBe('/v1/tasks');
    expect(router.match('GET', '/v1/tasks/').route.path).toBe('/v1/tasks');
    expect(router.match('GET', '/v1/tasks/01ABC').params).toEqual({ task_id: '01ABC' });
    expect(router.match('POST', '/v1/webhooks/tasks').route.path).toBe('/v1/webhooks/tasks');
    expect(router.match('DELETE', '/v1/webhooks/tasks').params).toEqual({ webhook_id: 'tasks' });
  });
  test('unknown path → 404 NOT_FOUND; known path, other method → 405 with Allow', () => {
    expect(codeOf(() => router.match('GET', '/v2/tasks'))).toBe('NOT_FOUND');
    expect(codeOf(() => router.match('GET', '/v1/tasks/a/b/c'))).toBe('NOT_FOUND');
    try {
      router.match('PUT', '/v1/tasks/x');
    } catch (err) {
      expect((err as ApiError).code).toBe('METHOD_NOT_ALLOWED');
      expect((err as ApiError).headers.Allow).toBe('GET, DELETE');
    }
  });
  test('an id that cannot exist is the resource\'s own 404', () => {
    expect(codeOf(() => idParam({ params: { task_id: '../etc' } }, 'task_id', 'TASK_NOT_FOUND', 'Task'))).toBe('TASK_NOT_FOUND');
    expect(codeOf(() => idParam({ params: { task_id: 'x'.repeat(129) } }, 'task_id', 'TASK_NOT_FOUND', 'Task'))).toBe('TASK_NOT_FOUND');
    expect(idParam({ params: { task_id: 'ok_1-2' } }, 'task_id', 'TASK_NOT_FOUND', 'Task')).toBe('ok_1-2');
  });
});

describe('page tokens', () => {
  const tokens = new PageTokens('x'.repeat(32));
  const codeOfOpen = (opened: Promise<string>) => opened.then(() => 'none', (err: { code?: string }) => err.code);
  test('round-trip for the same user and listing; opaque', async () => {
    const t = await tokens.seal('alice', 'tasks?status=', 'cursor-1');
    expect(t).not.toContain('cursor');
    expect(await tokens.open(t, 'alice', 'tasks?status=')).toBe('cursor-1');
  });
  test('another user, another listing, a changed byte, another key or garbage → VALIDATION_ERROR', async () => {
    const t = await tokens.seal('alice', 'tasks', 'c');
    expect(await codeOfOpen(tokens.open(t, 'bob', 'tasks'))).toBe('VALIDATION_ERROR');
    expect(await codeOfOpen(tokens.open(t, 'alice', 'webhooks'))).toBe('VALIDATION_ERROR');
    const flipped = t.slice(0, 30) + (t[30] === 'A' ? 'B' : 'A') + t.slice(31);
    expect(await codeOfOpen(tokens.open(flipped, 'alice', 'tasks'))).toBe('VALIDATION_ERROR');
    expect(await codeOfOpen(new PageTokens('y'.repeat(32)).open(t, 'alice', 'tasks'))).toBe('VALIDATION_ERROR');
    expect(await codeOfOpen(tokens.open('not a token', 'alice', 'tasks'))).toBe('VALIDATION_ERROR');
  });
  test('a key read on use: a rotated key seals new tokens and refuses the old ones', async () => {
    let key = 'a'.repeat(32);
    const rotating = new PageTokens(async () => key);
    const before = await rotating.seal('alice', 'tasks', 'c');
    expect(await rotating.open(before, 'alice', 'tasks')).toBe('c');
    key = 'b'.repeat(32);
    expect(await codeOfOpen(rotating.open(before, 'alice', 'tasks'))).toBe('VALIDATION_ERROR');
    expect(await rotating.open(await rotating.seal('alice', 'tasks', 'd'), 'alice', 'tasks')).toBe('d');
    key = 'short';
    await expect(rotating.seal('alice', 'tasks', 'e')).rejects.toThrow('the page-token secret must have at least 32 characters');
  });
});

describe('idempotency', () => {
  test('a key gives one stable task id of 26 Crockford characters; keys differ → ids differ', () => {
    expect(taskIdForKey('k1')).toBe(taskIdForKey('k1'));
    expect(taskIdForKey('k1')).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(taskIdForKey('k1')).not.toBe(taskIdForKey('k2'));
  });
  test('the header is checked', () => {
    expect(idempotencyKeyOf({})).toBeUndefined();
    expect(idempotencyKeyOf({ 'idempotency-key': 'abc_DEF-1' })).toBe('abc_DEF-1');
    expect(codeOf(() => idempotencyKeyOf({ 'idempotency-key': 'has space' }))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => idempotencyKeyOf({ 'idempotency-key': 'x'.repeat(129) }))).toBe('VALIDATION_ERROR');
  });
});

describe('signatures', () => {
  test('sha256=<hex> of the exact body; anything else fails', () => {
    const body = Buffer.from('{"a":1}');
    const sig = signBody('s3cret', body);
    expect(signatureMatches('s3cret', body, sig)).toBe(true);
    expect(signatureMatches('s3cret', body, sig.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(signatureMatches('other', body, sig)).toBe(false);
    expect(signatureMatches('s3cret', Buffer.from('{"a":2}'), sig)).toBe(false);
    expect(signatureMatches('s3cret', body, undefined)).toBe(false);
    expect(signatureMatches('s3cret', body, 'sha256=abc')).toBe(false);
  });
});

describe('query parameters', () => {
  test('limit bounds and unknown parameters', () => {
    expect(limitParam({}, { default: 20, max: 100 })).toBe(20);
    expect(limitParam({ limit: '100' }, { default: 20, max: 100 })).toBe(100);
    for (const bad of ['0', '101', '-1', '1.5', 'ten', '']) expect(codeOf(() => limitParam({ limit: bad }, { default: 20, max: 100 }))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => knownParams({ statuss: 'x' }, ['status']))).toBe('VALIDATION_ERROR');
  });
});

describe('request bodies', () => {
  const request = (text: string) => ({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, query: {}, rawBody: Buffer.from(text, 'utf8'), requestId: 'r', sourceIp: null });
  test('a lone surrogate anywhere is refused; pairs (emoji) are fine', () => {
    expect(codeOf(() => jsonBody(request('{"task_description":"\\ud800 x"}')))).toBe('VALIDATION_ERROR');
    expect(codeOf(() => jsonBody(request('{"a":{"b":["\\udc00"]}}')))).toBe('VALIDATION_ERROR');
    expect(jsonBody(request('{"task_description":"ship it \\ud83d\\ude80"}'))).toEqual({ task_description: 'ship it 🚀' });
  });
});

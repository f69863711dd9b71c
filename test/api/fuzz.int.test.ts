/**
 * Fuzzing the REST API over real HTTP (node:http, so paths, headers and bodies go out exactly as
 * generated): 5,000 requests from fast-check, 8 in flight, as a mix of callers (users with valid
 * API keys, the administrator, a valid JWT, no credentials, garbage keys and tokens), with
 *   - methods GET POST DELETE PUT PATCH OPTIONS;
 *   - paths from the real route templates (ALL_ROUTES) with real ids, other users' ids and
 *     malicious ones (unicode, `..`, percent-encoded junk, ids of thousands of characters), the
 *     templates mangled (`//`, trailing junk, wrong version, encoded slashes), and random paths;
 *   - query strings of known and unknown parameters with good, bad and huge values;
 *   - headers: Idempotency-Key good and bad, Content-Type variants, X-Webhook-* and
 *     X-Hub-Signature-256 junk, random names;
 *   - bodies: none, empty, arbitrary JSON (fc.jsonValue, fc.anything), near-valid requests of every
 *     route with one field broken, non-JSON bytes, deep nesting, a few over 1 MB, and, rarely, a
 *     fully valid create.
 * Every response: no 5xx; X-Request-Id is a ULID; a 4xx has the error envelope (ErrorResponse
 * schema, a code of ERROR_STATUS whose status is the response's, request_id = X-Request-Id); a 405
 * names the allowed methods.
 *
 * The event store: only requests that succeeded may add events. The fuzzer does send a few valid
 * writes (creates, cancels, revocations, onboardings: a fuzzer that can never succeed tests less),
 * and every 2xx answer to a POST/DELETE names what it touched (task_id, webhook_id, key_id, repo).
 * After the run (platform quiet), every stream that changed since the snapshot taken before it
 * (count + hash of stream keys, sequences and events) must be one of those, or the User stream of
 * the owner of such a task (admission). Anything else means a refused request wrote.
 *
 * Node's HTTP parser itself answers requests whose head exceeds 16 KB (431) before the API sees
 * them; generated request heads stay under that (long ids and huge values are a few KB).
 *
 * FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the number of requests.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { signBody } from '../../services/kernel/hmac-signature';
import { ERROR_STATUS } from '../../services/api/errors';
import { ALL_ROUTES } from '../../services/api/routes';
import { schemaProblems, startApiTestbed, type ApiTestbed } from '../support/api';
import { startJwtIssuer, type JwtIssuer } from '../support/jwt-issuer';
import { TEST_REPO, waitUntil } from '../support/platform';
import { changedStreams, storeSnapshot, type StoreSnapshot } from '../support/store-snapshot';

jest.setTimeout(600_000);

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const IN_FLIGHT = 8;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() ^ 0;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const GITHUB_SECRET = 'fuzz-github-webhook-secret';
const MB = 1024 * 1024;

// ── the request model ────────────────────────────────────────────────────────────────────────────

type Caller =
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'header'; readonly name: 'X-API-Key' | 'Authorization'; readonly value: string }
  | { readonly kind: 'jwt'; readonly sub: string; readonly bare: boolean };

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly bytes: readonly number[] }
  | { readonly kind: 'json'; readonly value: unknown }
  /** Built when sent (so fast-check never holds megabytes): over the 1 MB limit. */
  | { readonly kind: 'huge'; readonly size: number; readonly json: boolean }
  | { readonly kind: 'deep'; readonly depth: number; readonly where: 'root' | 'config' | 'description' };

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly caller: Caller;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Body;
  /** The webhook signature is computed over the body when sent: 'none', or whose secret signs. */
  readonly sign?: 'webhook-right' | 'webhook-wrong' | 'github-right';
}

interface Sent {
  readonly request: FuzzRequest;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

// ── the world the fuzzer knows (filled in beforeAll) ─────────────────────────────────────────────

interface World {
  readonly users: readonly string[];
  readonly keys: Readonly<Record<string, string>>;
  readonly taskIds: readonly string[];
  readonly webhookIds: readonly string[];
  readonly webhookSecrets: Readonly<Record<string, string>>;
  readonly spareKeyIds: readonly string[];
  readonly eventIds: readonly string[];
  readonly pageTokens: readonly string[];
  readonly revokedKey: string;
}

// ── arbitraries ──────────────────────────────────────────────────────────────────────────────────

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const LATIN1 = Array.from({ length: 0x100 - 0xa0 }, (_, i) => String.fromCharCode(0xa0 + i));
/** Strings a header value may carry (node refuses control characters and anything above U+00FF). */
const headerText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...PRINTABLE, ...PRINTABLE, ...LATIN1), maxLength });
/** Long runs: `n` copies of a short unit (fast-check's own lengths stay small). */
const long = (units: readonly string[], min: number, max: number) => fc.tuple(fc.constantFrom(...units), fc.integer({ min, max })).map(([u, n]) => u.repeat(n));

/** Percent-encodes what may not go raw into a request line; keeps `%` as is (junk escapes are the point). */
function pathSafe(s: string): string {
  return escapeBytes(s, (c) => c !== '?' && c !== '#');
}

/** The request target as sent: raw bytes outside visible ASCII percent-encoded (node refuses them), the rest untouched. */
function targetSafe(s: string): string {
  return escapeBytes(s, () => true);
}

function escapeBytes(s: string, keep: (c: string) => boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte > 0x20 && byte < 0x7f && keep(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const PERCENT_JUNK = ['%', '%%', '%zz', '%2', '%00', '%0a', '%c0%af', '%ff%fe', '%e2%82', '%2e%2e', '%2E%2E%2F', '%2F', '%5C', '..', '.', '...', '%u0041', '%25', '%252e', '%2e', '..%2f..%2f', '%C0%AE%C0%AE'];

function idArb(world: World): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...world.taskIds, ...world.webhookIds, ...world.spareKeyIds) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{16}$/) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).map(pathSafe) },
    { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20 }).map(pathSafe) },
    { weight: 3, arbitrary: fc.constantFrom(...PERCENT_JUNK) },
    { weight: 1, arbitrary: long(['a', 'A', '0', '-', '_', '%41', '%e2%82%ac', 'é'], 129, 1500).map(pathSafe) },
    { weight: 1, arbitrary: fc.constantFrom('', 'null', 'undefined', '__proto__', 'constructor', '0', '-1', 'tasks', 'webhooks', 'openapi.json', 'DROP TABLE', "' OR '1'='1") .map(pathSafe) },
  );
}

function pathArb(world: World): fc.Arbitrary<string> {
  const templates = ALL_ROUTES.map((r) => r.path);
  const templated = fc.tuple(fc.constantFrom(...templates), idArb(world)).map(([t, id]) => t.replace(/\{[a-z_]+\}/, id));
  return fc.oneof(
    { weight: 8, arbitrary: templated },
    {
      weight: 3,
      arbitrary: fc.tuple(templated, fc.constantFrom('/', '//', '/extra', '/..', '/./', '/%2e%2e', ';x=1', '%00', '%2F', '/v1', '.json', '%20', '~')).map(([p, s]) => p + s),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(templated, fc.integer({ min: 0, max: 7 })).map(([p, how]) =>
        [p.toUpperCase(), p.replace('/v1', '/v2'), p.replace('/v1/', '/v1//'), `/${p}`, `/${p.slice(1).replace(/\//g, '%2F')}`, p.replace('/v1', ''), `/v1/..${p}`, `/${p.slice(1).replace(/\//g, '\\')}`][how]!,
      ),
    },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 12 }).map(pathSafe), fc.constantFrom(...PERCENT_JUNK), fc.constant('v1')), { maxLength: 6 }).map((s) => `/${s.join('/')}`) },
    { weight: 1, arbitrary: fc.constantFrom('/', '//', '///', '/v1', '/v1/', '/%', '//[', '//evil.example/v1/tasks', '//[::1]/v1/tasks', '/\\\\evil/v1/tasks', '/v1/tasks/%', '/v1/tasks//', '/v1/tasks/./x', '/.well-known/x') },
  );
}

function queryArb(world: World): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('limit', 'next_token', 'status', 'repo', 'after', 'desc') },
    { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'limit[]', 'LIMIT', 'statuss', '', 'a b', 'limit%00') },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map(pathSafe) },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('1', '20', '100', '50', 'RUNNING', 'RUNNING,QUEUED', 'running, completed', TEST_REPO, 'true', 'false', '0', '1', '') },
    { weight: 2, arbitrary: fc.constantFrom(...world.eventIds, ...world.pageTokens) },
    { weight: 3, arbitrary: fc.constantFrom('0', '-1', '101', '1001', '1e2', '0x10', '1.5', 'abc', 'NaN', 'Infinity', '9999999999999999999', 'BOGUS', 'RUNNING,,', ',', 'a/b/c', '../..', 'yes', '2', 'tru') },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))) },
    { weight: 2, arbitrary: fc.constantFrom(...PERCENT_JUNK, '%26', '%3D', '&&', '==', '+', '%2B') },
    { weight: 1, arbitrary: long(['x', '9', 'A', '%41', ','], 1000, 4000) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant('') },
    { weight: 5, arbitrary: fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&', '?=', '?limit', '?limit=&limit=5', '?limit=5&limit=500', '?#', '?%') },
  );
}

const HOP_BY_HOP = new Set(['expect', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive', 'host', 'proxy-connection']);

function headersArb(world: World): fc.Arbitrary<ReadonlyArray<readonly [string, string]>> {
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const signature = fc.oneof(hex64.map((h) => `sha256=${h}`), fc.constantFrom('sha256=', 'sha1=abc', 'sha256=zz', '', ' ', 'sha256=' + '0'.repeat(63)), headerText(80));
  const candidates: Array<fc.Arbitrary<readonly [string, string]>> = [
    fc.tuple(
      fc.constant('Idempotency-Key'),
      fc.oneof(fc.constantFrom('fuzz-key-1', 'fuzz-key-2', 'fuzz_key_3'), fc.stringMatching(/^[a-zA-Z0-9_-]{1,128}$/), fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), '../../etc', 'é', 'key;drop'), headerText(20)),
    ),
    fc.tuple(
      fc.constant('Content-Type'),
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/json;',
        'application/vnd.api+json',
        'application/merge-patch+json',
        'application/jsonp',
        'application/json; charset=utf-16',
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        '*/*',
        '',
        ' application/json',
        'application/json, text/plain',
      ),
    ),
    fc.tuple(fc.constant('X-Webhook-Id'), fc.oneof(fc.constantFrom(...world.webhookIds), fc.stringMatching(/^[0-9a-f]{16}$/), headerText(40), long(['a', '0'], 65, 600))),
    fc.tuple(fc.constant('X-Webhook-Signature'), signature),
    fc.tuple(fc.constant('X-Hub-Signature-256'), signature),
    fc.tuple(fc.constant('X-GitHub-Event'), fc.oneof(fc.constantFrom('ping', 'issues', 'issue_comment', 'push', '', 'PING'), headerText(20))),
    fc.tuple(fc.constant('X-GitHub-Delivery'), fc.oneof(fc.uuid(), fc.constantFrom('', 'a b', 'x'.repeat(101)), headerText(30))),
    fc.tuple(fc.constantFrom('Accept', 'Accept-Encoding', 'X-Forwarded-Proto', 'X-Forwarded-For', 'Origin', 'Cookie', 'X-Request-Id', 'Range', 'If-None-Match'), headerText(60)),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/).filter((n) => !HOP_BY_HOP.has(n.toLowerCase())), headerText(60)),
  ];
  return fc.array(fc.oneof(...candidates), { maxLength: 5 });
}

function callerArb(world: World): fc.Arbitrary<Caller> {
  const user = fc.constantFrom(...world.users).map((u): Caller => ({ kind: 'user', user: u }));
  const badKey = fc.oneof(
    headerText(80),
    fc.constantFrom('', ' ', 'bgak_', 'bgak__', `bgak_${'0'.repeat(16)}_${'A'.repeat(43)}`, world.revokedKey, `${world.keys[world.users[0]!]} `, world.keys[world.users[0]!]!.slice(0, -1), world.keys[world.users[0]!]!.toUpperCase()),
    fc.tuple(fc.stringMatching(/^[0-9a-f]{16}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map(([id, s]) => `bgak_${id}_${s}`),
    long(['a', 'bgak_'], 200, 400),
  );
  const badToken = fc.oneof(
    headerText(120),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'eyJ.eyJ.', '...', 'Bearer ' + 'a'.repeat(9000)),
    fc.tuple(fc.base64String({ maxLength: 40 }), fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 40 })).map(([a, b, c]) => `Bearer ${a}.${b}.${c}`),
  );
  return fc.oneof(
    { weight: 10, arbitrary: user },
    { weight: 3, arbitrary: fc.constant<Caller>({ kind: 'none' }) },
    { weight: 2, arbitrary: badKey.map((value): Caller => ({ kind: 'header', name: 'X-API-Key', value })) },
    { weight: 2, arbitrary: badToken.map((value): Caller => ({ kind: 'header', name: 'Authorization', value })) },
    { weight: 1, arbitrary: fc.boolean().map((bare): Caller => ({ kind: 'jwt', sub: 'fuzz-jwt-user', bare })) },
  );
}

/** A valid CreateTaskRequest, and the ways to break exactly one of its fields. */
const validCreate = fc.record(
  {
    repo: fc.constant(TEST_REPO),
    task_description: fc.string({ minLength: 1, maxLength: 60 }),
    issue_number: fc.integer({ min: 1, max: 2147483647 }),
    max_turns: fc.integer({ min: 1, max: 500 }),
    max_budget_usd: fc.double({ min: 0.01, max: 100, noNaN: true }),
    model_id: fc.string({ minLength: 1, maxLength: 40 }),
  },
  { requiredKeys: ['repo', 'task_description'] },
);

const BREAK_CREATE: ReadonlyArray<readonly [string, readonly unknown[]]> = [
  ['repo', ['', 'acme', 'acme/', '/widgets', '../widgets', '../../etc/passwd', 'acme/..', '.../x', 'acme/widgets/extra', 'ac me/widgets', 'acme/wid#gets', `${'a'.repeat(300)}/x`, 12, null, true, ['acme/widgets'], { owner: 'acme' }, 'acme\\widgets', 'acme/widgets\n', 'ａcme/widgets']],
  ['task_description', ['', 'x'.repeat(10_001), 5, null, {}, [], false]],
  ['issue_number', [0, -1, 1.5, '12', 2147483648, null, true, 1e308, [], -0.5]],
  ['max_turns', [0, 501, 1.5, '10', -1, null, 1e9, {}]],
  ['max_budget_usd', [0, 0.001, 100.01, '1', null, -5, 1e308, []]],
  ['model_id', ['', 'x'.repeat(201), 5, null, {}]],
];

const nearValidCreate = fc.oneof(
  fc.tuple(validCreate, fc.constantFrom(...BREAK_CREATE)).chain(([valid, [field, values]]) => fc.constantFrom(...values).map((bad) => ({ ...valid, [field]: bad }))),
  validCreate.map((v) => ({ ...v, [`extra_${Object.keys(v).length}`]: 1 })),
  validCreate.map(({ repo, max_turns }) => ({ repo, ...(max_turns !== undefined ? { max_turns } : {}) })),
  validCreate.map(({ task_description }) => ({ task_description })),
  validCreate.map((v) => ({ ...v, repo: 'not-onboarded/repo' })),
);

const nearValidOther = fc.oneof(
  // NudgeRequest
  fc.constantFrom({ message: '' }, { message: 'x'.repeat(2001) }, { message: 5 }, { message: 'hi', extra: 1 }, {}, { msg: 'hi' }, { message: null }),
  // CreateWebhookRequest
  fc.constantFrom({ name: 'a' }, { name: '-abc' }, { name: 'abc-' }, { name: 'a'.repeat(65) }, { name: 'ab\ncd' }, { name: 5 }, { name: 'ok name', extra: true }, {}, { name: 'über' }),
  // CreateApiKeyRequest
  fc.constantFrom({ name: '' }, { name: 'x'.repeat(65) }, { name: 5 }, { name: 'k', extra: 1 }, { name: null }),
  // OnboardRepoRequest: bad repo, or a good repo with a random config (may be valid: then it is a tracked write)
  fc.constantFrom({ repo: '' }, { repo: 'x' }, { repo: 'a/b/c' }, { repo: 'acme/widgets', config: 'x' }, { repo: 'acme/widgets', config: [] }, { repo: 'acme/widgets', extra: 1 }, { config: {} }),
  fc.tuple(fc.stringMatching(/^[a-z]{1,8}\/[a-z]{1,8}$/), fc.dictionary(fc.constantFrom('triggerLabel', 'maxTurns', 'model', 'unknownKey', 'computeType', 'maxBudgetUsd', 'branchPrefix'), fc.jsonValue({ maxDepth: 2 }))).map(([repo, config]) => ({ repo: `fuzz-${repo}`, config })),
  // GitHub deliveries
  fc.record({ action: fc.constantFrom('labeled', 'created', 'opened', 'x'), repository: fc.record({ full_name: fc.constantFrom(TEST_REPO, 'x/y', '', 5) }), issue: fc.record({ number: fc.oneof(fc.integer(), fc.constant('1')) }), label: fc.record({ name: fc.constantFrom('bgagent', 'other') }), sender: fc.record({ login: fc.constantFrom('octocat', '', '../x') }) }, { requiredKeys: [] }),
);

function bodyArb(): fc.Arbitrary<Body> {
  const safeAnything = fc.anything().map((v): Body => {
    try {
      const text = JSON.stringify(v);
      return text === undefined ? { kind: 'none' } : { kind: 'text', text };
    } catch {
      return { kind: 'text', text: String(v) };
    }
  });
  return fc.oneof(
    { weight: 60, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 20, arbitrary: fc.constantFrom<Body>({ kind: 'text', text: '' }, { kind: 'text', text: ' ' }, { kind: 'text', text: '\n\t' }) },
    { weight: 50, arbitrary: fc.jsonValue().map((value): Body => ({ kind: 'json', value })) },
    { weight: 25, arbitrary: safeAnything },
    { weight: 70, arbitrary: nearValidCreate.map((value): Body => ({ kind: 'json', value })) },
    { weight: 50, arbitrary: nearValidOther.map((value): Body => ({ kind: 'json', value })) },
    { weight: 20, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b): Body => ({ kind: 'bytes', bytes: [...b] })) },
    {
      weight: 20,
      arbitrary: fc.constantFrom<Body>(
        ...['{', '}', '{"repo":', 'null', 'true', '[]', '1', '"str"', '\ufeff{}', '{"a":1}garbage', '{"repo":"acme/widgets","task_description":"x"}{}', 'repo=acme/widgets&task_description=x', '<xml/>', '{"__proto__":{"admin":true}}', '{"repo":"acme/widgets","repo":"x/y","task_description":"dup"}', '\u0000', '{"task_description":"\ud800"}'].map(
          (text): Body => ({ kind: 'text', text }),
        ),
      ),
    },
    { weight: 2, arbitrary: fc.record({ depth: fc.constantFrom(1000, 10_000, 100_000), where: fc.constantFrom('root' as const, 'config' as const, 'description' as const) }).map((d): Body => ({ kind: 'deep', ...d })) },
    // > 1 MB: the server reads at most 1 MB + 1 byte and the API answers 413.
    { weight: 1, arbitrary: fc.record({ size: fc.integer({ min: MB + 1, max: 3 * MB }), json: fc.boolean() }).map((h): Body => ({ kind: 'huge', ...h })) },
    // Rarely a fully valid create: a tracked write (see the header).
    { weight: 4, arbitrary: validCreate.map((value): Body => ({ kind: 'json', value })) },
  );
}

const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'] as const;

function requestArb(world: World): fc.Arbitrary<FuzzRequest> {
  const chaotic = fc.record({
    method: fc.constantFrom(...METHODS),
    path: pathArb(world),
    query: queryArb(world),
    caller: callerArb(world),
    headers: headersArb(world),
    body: bodyArb(),
  });
  // Route-coherent: a real route with its own method, mostly a real caller: gets past the router and auth, so validation and handlers are fuzzed.
  const coherent = fc
    .record({
      route: fc.constantFrom(...ALL_ROUTES),
      method: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      id: idArb(world),
      query: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryArb(world) }),
      caller: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...world.users).map((u): Caller => ({ kind: 'user', user: u })) }, { weight: 1, arbitrary: callerArb(world) }),
      headers: headersArb(world),
      body: bodyArb(),
      sign: fc.option(fc.constantFrom('webhook-right' as const, 'webhook-wrong' as const, 'github-right' as const), { freq: 2 }),
    })
    .map(
      ({ route, method, id, query, caller, headers, body, sign }): FuzzRequest => ({
        method: method ?? route.method,
        path: route.path.replace(/\{[a-z_]+\}/, id),
        query,
        caller,
        headers,
        body,
        ...(sign ? { sign } : {}),
      }),
    );
  // Node answers a request head over 16 KB itself (431, before the API): stay under it.
  return fc.oneof(chaotic, coherent).filter((r) => headBytes(r) <= MAX_HEAD_BYTES);
}

const MAX_HEAD_BYTES = 14_000;

/** About how many bytes the request line and headers take (credentials counted generously). */
function headBytes(r: FuzzRequest): number {
  const caller = r.caller.kind === 'header' ? r.caller.value.length : 1200;
  return targetSafe(`${r.path}${r.query}`).length + caller + r.headers.reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v, 'latin1') + 4, 0) + 300;
}

// ── sending ──────────────────────────────────────────────────────────────────────────────────────

function deepJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function bodyBytes(body: Body): Buffer | undefined {
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'bytes':
      return Buffer.from(body.bytes);
    case 'json':
      return Buffer.from(JSON.stringify(body.value) ?? 'null', 'utf8');
    case 'huge':
      return body.json ? Buffer.from(JSON.stringify({ repo: TEST_REPO, task_description: 'x'.repeat(body.size) }), 'utf8') : Buffer.alloc(body.size, 0x61);
    case 'deep': {
      const deep = deepJson(body.depth);
      if (body.where === 'root') return Buffer.from(deep);
      if (body.where === 'config') return Buffer.from(`{"repo":"fuzz-deep/repo","config":{"triggerLabel":${deep}}}`);
      return Buffer.from(`{"repo":"${TEST_REPO}","task_description":${deep}}`);
    }
  }
}

function describeRequest(r: FuzzRequest): string {
  const body = r.body.kind === 'huge' ? `<huge ${r.body.size} bytes, json=${r.body.json}>` : r.body.kind === 'deep' ? `<deep ${r.body.depth} in ${r.body.where}>` : JSON.stringify(r.body).slice(0, 600);
  return `${r.method} ${r.path.slice(0, 300)}${r.query.slice(0, 300)} caller=${JSON.stringify(r.caller).slice(0, 200)} headers=${JSON.stringify(r.headers).slice(0, 400)} sign=${r.sign ?? '-'} body=${body}`;
}

function makeSender(tb: ApiTestbed, world: World, issuer: JwtIssuer) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const send = (r: FuzzRequest): Promise<Sent> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of r.headers) headers[name] = value;
    if (r.caller.kind === 'user') headers['X-API-Key'] = world.keys[r.caller.user]!;
    if (r.caller.kind === 'header') headers[r.caller.name] = r.caller.value;
    if (r.caller.kind === 'jwt') headers.Authorization = `${r.caller.bare ? '' : 'Bearer '}${issuer.token(r.caller.sub)}`;
    const body = bodyBytes(r.body);
    if (r.sign && body) {
      const webhookId = world.webhookIds[0]!;
      if (r.sign === 'github-right') headers['X-Hub-Signature-256'] = signBody(GITHUB_SECRET, body);
      else {
        headers['X-Webhook-Id'] ??= webhookId;
        headers['X-Webhook-Signature'] = signBody(r.sign === 'webhook-right' ? world.webhookSecrets[headers['X-Webhook-Id']] ?? 'unknown' : 'a wrong secret', body);
      }
    }
    if (body) headers['Content-Length'] = String(body.length);
    return new Promise<Sent>((resolve, reject) => {
      let req: http.ClientRequest;
      try {
        req = http.request({ host: '127.0.0.1', port: tb.api.port, method: r.method, path: targetSafe(`${r.path}${r.query}`), headers, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ request: r, status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) => reject(new Error(`response failed: ${err.message}\n  ${describeRequest(r)}`)));
        });
      } catch (err) {
        reject(new Error(`the fuzzer built a request node refuses (${(err as Error).message}): ${describeRequest(r)}`));
        return;
      }
      req.setTimeout(60_000, () => req.destroy(new Error('timed out after 60 s')));
      req.on('error', (err) => reject(new Error(`request failed: ${err.message}\n  ${describeRequest(r)}`)));
      req.end(body);
    });
  };
  return { send, close: () => agent.destroy() };
}

// ── checks ───────────────────────────────────────────────────────────────────────────────────────

/** The problems with one response (empty: fine). */
function problemsOf(sent: Sent): string[] {
  const problems: string[] = [];
  const requestId = sent.headers['x-request-id'];
  if (typeof requestId !== 'string' || !ULID.test(requestId)) problems.push(`X-Request-Id is ${JSON.stringify(requestId)}, not a ULID`);
  if (sent.status >= 500) problems.push(`status ${sent.status} (5xx)`);
  let body: any;
  try {
    body = JSON.parse(sent.text);
  } catch {
    problems.push(`the body is not JSON: ${JSON.stringify(sent.text.slice(0, 200))}`);
    return problems;
  }
  if (sent.status >= 400) {
    const schema = schemaProblems('ErrorResponse', body);
    if (schema.length > 0) problems.push(`not an ErrorResponse: ${schema.join('; ')}`);
    const code = body?.error?.code as keyof typeof ERROR_STATUS;
    if (!(code in ERROR_STATUS)) problems.push(`code ${JSON.stringify(code)} is not in ERROR_STATUS`);
    else if (ERROR_STATUS[code] !== sent.status) problems.push(`code ${code} is ${ERROR_STATUS[code]}, answered with ${sent.status}`);
    if (body?.error?.request_id !== requestId) problems.push(`request_id ${JSON.stringify(body?.error?.request_id)} ≠ X-Request-Id ${requestId}`);
    if (sent.status === 405 && !sent.headers.allow) problems.push('405 without Allow');
  } else if (sent.status >= 200 && sent.status < 300 && (typeof body !== 'object' || body === null || !('data' in body || typeof body.openapi === 'string'))) {
    problems.push('a 2xx body that is neither {data} nor the OpenAPI document');
  }
  return problems;
}

interface Tally {
  readonly byStatus: Map<number, number>;
  readonly byCode: Map<string, number>;
  /** What 2xx answers to writes named: the only streams allowed to change. */
  readonly touched: { tasks: Set<string>; keys: Set<string>; webhooks: Set<string>; repos: Set<string> };
  sent: number;
  huge: number;
}

function record(tally: Tally, sent: Sent): void {
  tally.sent += 1;
  if (sent.request.body.kind === 'huge') tally.huge += 1;
  tally.byStatus.set(sent.status, (tally.byStatus.get(sent.status) ?? 0) + 1);
  let body: any;
  try {
    body = JSON.parse(sent.text);
  } catch {
    return;
  }
  if (body?.error?.code) tally.byCode.set(body.error.code, (tally.byCode.get(body.error.code) ?? 0) + 1);
  if (sent.status >= 200 && sent.status < 300 && sent.request.method !== 'GET') {
    const data = body?.data ?? {};
    if (typeof data.task_id === 'string') tally.touched.tasks.add(data.task_id);
    if (typeof data.key_id === 'string') tally.touched.keys.add(data.key_id);
    if (typeof data.webhook_id === 'string') tally.touched.webhooks.add(data.webhook_id);
    if (typeof data.repo === 'string') tally.touched.repos.add(data.repo);
  }
}

// ── the test ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Requests the fuzzer once answered wrongly, kept as regression cases (sent before the random run):
 *   - `DELETE //?...` (found with FUZZ_SEED=42; the generator has changed since, so the requests are
 *     kept here): the local server resolved the request target with WHATWG URL, which reads `//x`
 *     as a host: `//`, `//?q` and `//[` threw "Invalid URL" → 500 without X-Request-Id, and
 *     `//evil.example/v1/tasks` was routed as /v1/tasks. Fixed in local/api/server.ts (targetUrl).
 *   - a 2 MB create (the server cuts bodies at 1 MB + 1 byte; the API must answer 413, not reset).
 */
const REGRESSIONS: readonly FuzzRequest[] = [
  { method: 'DELETE', path: '//', query: '?C-T;>=tru&repo=,', caller: { kind: 'header', name: 'X-API-Key', value: 'bgak_bgak_' }, headers: [['Content-Type', 'multipart/form-data; boundary=x']], body: { kind: 'text', text: ' ' } },
  { method: 'GET', path: '//', query: '', caller: { kind: 'user', user: 'fuzz-a' }, headers: [], body: { kind: 'none' } },
  { method: 'GET', path: '//[', query: '', caller: { kind: 'none' }, headers: [], body: { kind: 'none' } },
  { method: 'GET', path: '//[::1]/v1/tasks', query: '', caller: { kind: 'user', user: 'fuzz-a' }, headers: [], body: { kind: 'none' } },
  { method: 'GET', path: '//evil.example/v1/tasks', query: '', caller: { kind: 'user', user: 'fuzz-a' }, headers: [], body: { kind: 'none' } },
  { method: 'POST', path: '/v1/tasks', query: '', caller: { kind: 'user', user: 'fuzz-a' }, headers: [['Content-Type', 'application/json']], body: { kind: 'huge', size: 2 * MB, json: true } },
];

describe('fuzzing the API over HTTP', () => {
  let tb: ApiTestbed;
  let issuer: JwtIssuer;
  let world: World;
  let sender: ReturnType<typeof makeSender>;
  let before: StoreSnapshot;
  const tally: Tally = { byStatus: new Map(), byCode: new Map(), touched: { tasks: new Set(), keys: new Set(), webhooks: new Set(), repos: new Set() }, sent: 0, huge: 0 };

  beforeAll(async () => {
    issuer = await startJwtIssuer();
    tb = await startApiTestbed({
      platform: { testCompute: { script: () => ({ behaviour: 'hang' }) } },
      api: { jwt: issuer.config, githubWebhookSecret: GITHUB_SECRET, requestsPerMinute: null },
    });
    const users = ['fuzz-a', 'fuzz-b', 'admin'];
    const keys: Record<string, string> = {};
    for (const u of users) keys[u] = await tb.keyOf(u);
    const taskIds: string[] = [];
    const webhookIds: string[] = [];
    const webhookSecrets: Record<string, string> = {};
    const spareKeyIds: string[] = [];
    for (const user of ['fuzz-a', 'fuzz-b']) {
      const task = await tb.call('POST', '/v1/tasks', { user, body: { repo: TEST_REPO, task_description: `seed task of ${user}` } });
      expect(task.status).toBe(201);
      taskIds.push(task.body.data.task_id);
      const hook = await tb.call('POST', '/v1/webhooks', { user, body: { name: `hook of ${user}` } });
      expect(hook.status).toBe(201);
      webhookIds.push(hook.body.data.webhook_id);
      webhookSecrets[hook.body.data.webhook_id] = hook.body.data.secret;
      const key = await tb.call('POST', '/v1/api-keys', { user, body: { name: 'spare' } });
      expect(key.status).toBe(201);
      spareKeyIds.push(key.body.data.key_id);
    }
    const doomed = await tb.call('POST', '/v1/api-keys', { user: 'fuzz-a', body: { name: 'doomed' } });
    expect((await tb.call('DELETE', `/v1/api-keys/${doomed.body.data.key_id}`, { user: 'fuzz-a' })).status).toBe(200);
    await waitUntil(async () => (await tb.call('GET', `/v1/tasks/${taskIds[0]}`, { user: 'fuzz-a' })).body?.data?.status === 'RUNNING', 30_000, 'the seed task RUNNING');
    const events = await tb.call('GET', `/v1/tasks/${taskIds[0]}/events`, { user: 'fuzz-a' });
    const page = await tb.call('GET', '/v1/tasks?limit=1', { user: 'fuzz-a' });
    world = {
      users,
      keys,
      taskIds,
      webhookIds,
      webhookSecrets,
      spareKeyIds,
      eventIds: events.body.data.map((e: { event_id: string }) => e.event_id),
      pageTokens: [page.body.pagination.next_token ?? 'none', 'A'.repeat(60), randomBytes(48).toString('base64url')],
      revokedKey: doomed.body.data.api_key,
    };
    sender = makeSender(tb, world, issuer);
    await tb.platform.quiesce();
    before = await storeSnapshot(tb.platform.store);
  }, 120_000);

  afterAll(async () => {
    sender?.close();
    await tb?.stop();
    await issuer?.stop();
  });

  it('answers the regression cases correctly', async () => {
    for (const r of REGRESSIONS) {
      const sent = await sender.send(r);
      record(tally, sent);
      expect([describeRequest(r), problemsOf(sent)]).toEqual([describeRequest(r), []]);
    }
  });

  it(`answers ${RUNS} random requests without a 5xx, with the error envelope, and a request id`, async () => {
    const started = Date.now();
    const result = await fc.check(
      fc.asyncProperty(fc.array(requestArb(world), { minLength: IN_FLIGHT, maxLength: IN_FLIGHT }), async (batch) => {
        const results = await Promise.all(batch.map((r) => sender.send(r)));
        for (const sent of results) {
          record(tally, sent);
          const problems = problemsOf(sent);
          if (problems.length > 0) throw new Error(`${problems.join('; ')}\n  request: ${describeRequest(sent.request)}\n  answer: ${sent.status} ${sent.text.slice(0, 500)}`);
        }
      }),
      { numRuns: Math.ceil(RUNS / IN_FLIGHT), seed: SEED, endOnFailure: true },
    );
    // fast-check's own report prints the whole batch (kilobytes of ids); this names the one bad request.
    if (result.failed) throw new Error(`fuzz failed (replay: FUZZ_SEED=${result.seed}, path ${result.counterexamplePath}):\n${String((result.errorInstance as Error)?.message ?? result.errorInstance)}`);
    const seconds = (Date.now() - started) / 1000;
    const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    const codes = [...tally.byCode].sort(([, a], [, b]) => b - a).map(([c, n]) => `${c}: ${n}`);
    console.log(
      [
        `fuzz: ${tally.sent} requests in ${seconds.toFixed(1)} s (${(tally.sent / seconds).toFixed(0)}/s, ${IN_FLIGHT} in flight), seed ${SEED}`,
        `  by status: ${statuses.join(', ')}`,
        `  by code:   ${codes.join(', ')}`,
        `  bodies over 1 MB: ${tally.huge}; writes that succeeded: ${tally.touched.tasks.size} tasks, ${tally.touched.keys.size} keys, ${tally.touched.webhooks.size} webhooks, ${tally.touched.repos.size} repos`,
      ].join('\n'),
    );
  });

  it('left the event store as it was, except the streams that successful writes named', async () => {
    await tb.platform.quiesce();
    const after = await storeSnapshot(tb.platform.store);
    const allowedTasks = tally.touched.tasks;
    const owners = new Set<string>();
    for (const taskId of allowedTasks) {
      const first = (await tb.platform.store.readStream({ type: 'Task', id: taskId }))[0];
      if (first?.type === 'TaskSubmitted') owners.add((first.data as { userId: string }).userId);
    }
    const unexplained = changedStreams(before, after).filter((key) => {
      const [type, id] = [key.slice(0, key.indexOf('#')), key.slice(key.indexOf('#') + 1)];
      if (type === 'Task') return !allowedTasks.has(id);
      if (type === 'User') return !owners.has(id);
      if (type === 'ApiKey') return !tally.touched.keys.has(id);
      if (type === 'Webhook') return !tally.touched.webhooks.has(id);
      if (type === 'Repo') return !tally.touched.repos.has(id);
      return true;
    });
    console.log(`store: ${before.count} events before, ${after.count} after; ${changedStreams(before, after).length} streams changed, all by successful writes: ${unexplained.length === 0}`);
    expect(unexplained).toEqual([]);
    if (changedStreams(before, after).length === 0) expect(after.hash).toBe(before.hash);
  });
});

/**
 * bench:api — the REST API over HTTP on the embedded platform (test compute, DynamoDB Local), with
 * autocannon, each scenario for a fixed duration after a short warm-up:
 *
 *   create_task_*   POST /v1/tasks, a unique body per request, no Idempotency-Key
 *   get_task_*      GET /v1/tasks/{task_id} (round robin over a few tasks)
 *   list_tasks_*    GET /v1/tasks?limit=20 (a full page)
 *   baseline_*      the same autocannon run against a trivial node:http handler that answers a fixed
 *                   JSON body, in this process: what this machine does with no API at all. The
 *                   `*_rps_vs_baseline` ratios are what compares across machines.
 *
 * Prints one `name: value` line per figure on stdout (rps = mean requests per second; latencies in
 * ms); progress goes to stderr. Creates run last (their tasks set the pipeline in motion; sessions
 * hang, so a task stops at RUNNING or QUEUED) and the platform is quiet before every other scenario.
 * Creates rotate over 50 users (one user's stream would serialize the admission of every task).
 * Service logs are off (they go to stdout, as the API's per-request access log would); set
 * POWERTOOLS_LOG_LEVEL=ERROR to see them.
 *
 *   npm run bench:api -- [--duration <s>] [--connections <n>]
 * DYNAMODB_ENDPOINT reuses a running DynamoDB Local.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { startApiTestbed, type ApiTestbed } from '../test/support/api';
import { TEST_REPO, waitUntil } from '../test/support/platform';
import { ensureDynamoDbLocal, type StandaloneDynamo } from '../test/support/standalone-dynamo';

const USAGE = 'usage: npm run bench:api -- [--duration <s>] [--connections <n>]   (defaults 10 s, 10 connections; DYNAMODB_ENDPOINT reuses a running DynamoDB Local)';
const SEED_TASKS = 25;
/** Creates rotate over this many users (each with its own key), as many clients would: one user's stream is not the bottleneck. */
const CREATE_USERS = 50;

class UsageError extends Error {}

const log = (msg: string) => process.stderr.write(`[bench:api] ${msg}\n`);

export function parseArgs(argv: readonly string[]): { duration: number; connections: number } | 'help' {
  const options = { duration: 10, connections: 10 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name !== '--duration' && name !== '--connections') throw new UsageError(`unknown argument ${arg}\n${USAGE}`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 1) throw new UsageError(`${name} needs a positive integer (got ${raw ?? 'nothing'})\n${USAGE}`);
    options[name === '--duration' ? 'duration' : 'connections'] = value;
  }
  return options;
}

interface Figures {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

async function load(
  name: string,
  options: { url: string; duration: number; connections: number; warmup: boolean; expectStatus: number } & Pick<autocannon.Options, 'method' | 'headers' | 'requests'>,
): Promise<Figures> {
  const run = async (duration: number) => {
    const result = await autocannon({
      url: options.url,
      connections: options.connections,
      duration,
      method: options.method,
      headers: options.headers,
      requests: options.requests,
      // Keep-alive connections, one request in flight on each (no pipelining: the API is request/response).
      pipelining: 1,
    });
    const wrongStatus = (result.statusCodeStats?.[String(options.expectStatus) as keyof typeof result.statusCodeStats]?.count ?? 0) !== result.requests.total;
    if (result.errors > 0 || result.timeouts > 0 || wrongStatus) {
      log(`${name}: ${result.errors} errors, ${result.timeouts} timeouts, status codes ${JSON.stringify(result.statusCodeStats)} (expected only ${options.expectStatus})`);
      throw new Error(`${name}: requests failed or answered other than ${options.expectStatus}`);
    }
    return result;
  };
  if (options.warmup) await run(Math.min(2, options.duration));
  const result = await run(options.duration);
  log(`${name}: ${result.requests.total} requests in ${result.duration.toFixed(1)} s`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

async function startBaseline(): Promise<{ url: string; stop(): Promise<void> }> {
  const body = JSON.stringify({ data: { task_id: '01J0000000000000000000000', status: 'RUNNING', repo: TEST_REPO } });
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { duration, connections } = args;
  // Service logs go to stdout, which is for the figures (POWERTOOLS_LOG_LEVEL=ERROR shows them).
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((err: Error) => log(`stop failed: ${err.message}`));
  };
  const onSignal = () => {
    log('interrupted: stopping');
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const dynamo: StandaloneDynamo = await ensureDynamoDbLocal({ log });
    stops.push(() => dynamo.stop());
    log(dynamo.started ? `DynamoDB Local at ${dynamo.endpoint}` : `reusing DynamoDB Local at ${dynamo.endpoint} (DYNAMODB_ENDPOINT)`);
    const baseline = await startBaseline();
    stops.push(() => baseline.stop());
    // Sessions hang: a created task stops at RUNNING (or QUEUED), so reads run on a quiet platform.
    const tb: ApiTestbed = await startApiTestbed({ platform: { testCompute: { script: () => ({ behaviour: 'hang' }) } } });
    stops.push(() => tb.stop());
    const key = await tb.keyOf('bench-user');
    const headers = { 'X-API-Key': key, 'Content-Type': 'application/json' };

    const taskIds: string[] = [];
    for (let i = 0; i < SEED_TASKS; i++) {
      const res = await tb.call('POST', '/v1/tasks', { key, body: { repo: TEST_REPO, task_description: `bench seed task ${i}` } });
      if (res.status !== 201) throw new Error(`seeding a task answered ${res.status}: ${JSON.stringify(res.body)}`);
      taskIds.push(res.body.data.task_id);
    }
    await waitUntil(async () => (await tb.call('GET', '/v1/tasks?limit=20', { key })).body?.data?.length === 20, 30_000, 'a full first page of the task list');
    await tb.platform.quiesce();
    log(`${SEED_TASKS} tasks seeded; ${connections} connections, ${duration} s per scenario (+ a warm-up of ${Math.min(2, duration)} s)`);

    const common = { duration, connections, warmup: true };
    const base = await load('baseline', { ...common, url: `${baseline.url}/v1/tasks/x`, method: 'GET', expectStatus: 200 });

    let next = 0;
    const get = await load('get_task', {
      ...common,
      url: tb.api.url,
      method: 'GET',
      headers,
      expectStatus: 200,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/v1/tasks/${taskIds[next++ % taskIds.length]}` }) }],
    });
    await tb.platform.quiesce();
    const list = await load('list_tasks', { ...common, url: `${tb.api.url}/v1/tasks?limit=20`, method: 'GET', headers, expectStatus: 200 });
    await tb.platform.quiesce();

    const creatorKeys = await Promise.all(Array.from({ length: CREATE_USERS }, (_, i) => tb.keyOf(`bench-creator-${i}`)));
    await tb.platform.quiesce();
    let created = 0;
    const create = await load('create_task', {
      ...common,
      url: tb.api.url,
      method: 'POST',
      headers,
      expectStatus: 201,
      requests: [
        {
          method: 'POST',
          path: '/v1/tasks',
          setupRequest: (req) => {
            created += 1;
            return {
              ...req,
              headers: { ...headers, 'X-API-Key': creatorKeys[created % CREATE_USERS]! },
              body: JSON.stringify({ repo: TEST_REPO, task_description: `bench task ${process.pid}-${created}: add a badge`, max_turns: 10 }),
            };
          },
        },
      ],
    });

    const ratio = (rps: number) => (rps / base.rps).toFixed(3);
    const lines: Record<string, string | number> = {
      create_task_rps: create.rps.toFixed(0),
      create_task_p50_ms: create.p50,
      create_task_p99_ms: create.p99,
      get_task_rps: get.rps.toFixed(0),
      get_task_p50_ms: get.p50,
      get_task_p99_ms: get.p99,
      list_tasks_rps: list.rps.toFixed(0),
      list_tasks_p50_ms: list.p50,
      list_tasks_p99_ms: list.p99,
      baseline_rps: base.rps.toFixed(0),
      baseline_p50_ms: base.p50,
      baseline_p99_ms: base.p99,
      create_task_rps_vs_baseline: ratio(create.rps),
      get_task_rps_vs_baseline: ratio(get.rps),
      list_tasks_rps_vs_baseline: ratio(list.rps),
    };
    for (const [k, v] of Object.entries(lines)) process.stdout.write(`${k}: ${v}\n`);
    log('stopping');
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`bench:api failed: ${err instanceof UsageError ? err.message : (err.stack ?? err.message)}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});

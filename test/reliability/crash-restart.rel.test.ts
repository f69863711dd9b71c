/**
 * Reliability 3: the platform process is killed (SIGKILL) at random points during a run of 50
 * tasks and started again each time. Every task ends terminal, no event is lost or duplicated in
 * the store, no slot leaks, and the views equal a rebuild.
 *
 * DynamoDB Local (the store) runs outside the platform process, as a database would; the local
 * EventBridge, its durable queues, the publisher, the services and the test compute die with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlatformOptions } from '../../local/platform/platform';
import { createViewStores } from '../../projections/view-stores';
import { DynamoDbEventStore } from '../../services/kernel/dynamodb-event-store';
import { EVENTS_TABLE, tableName } from '../../services/kernel/tables';
import { onboardRepo } from '../../services/repos/repo/onboard-repo';
import { submitTask } from '../../services/tasks/task/submit-task';
import { createTables } from '../../services/kernel/create-tables';
import { ALL_TABLES } from '../../services/tables';
import { testDynamoClient, uniquePrefix, testEndpoint } from '../support/dynamo';
import { TEST_REPO, waitUntil } from '../support/platform';
import { admissionProblems, allTerminal, streamsOf, taskStreamProblems, viewProblems } from './checks';

const ROOT = path.join(__dirname, '..', '..');
const TASKS = 50;
const KILLS = 5;
const prefix = uniquePrefix('crash');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'abca-crash-'));
const client = testDynamoClient();
const store = new DynamoDbEventStore({ client, tableName: tableName(EVENTS_TABLE, prefix) });
const views = createViewStores({ client, prefix });
let child: ChildProcess | undefined;

const options: PlatformOptions = {
  dataDir,
  dynamodbEndpoint: testEndpoint(),
  tablePrefix: prefix,
  schedules: false,
  sweepEveryMs: 500,
  visibilityTimeoutMs: 500,
  retryBaseDelayMs: 50,
  testCompute: { delayMs: 400 },
  watchdog: {
    submittedRedriveAfterSec: 2,
    hydratingRedriveAfterSec: 2,
    cancellationRedriveAfterSec: 2,
    finalizingRedriveAfterSec: 2,
    staleSlotAfterSec: 2,
    heartbeatTimeoutSec: 2,
    deadlineGraceSec: 1,
  },
};

/** Starts the platform process and resolves once it serves. */
function startProcess(): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'local/platform/process.ts')], {
      cwd: ROOT,
      env: { ...process.env, ABCA_PLATFORM_OPTIONS: JSON.stringify(options), POWERTOOLS_LOG_LEVEL: 'CRITICAL' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('READY ')) resolve(proc);
    });
    proc.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
    proc.on('exit', (code, signal) => {
      if (!out.includes('READY ')) reject(new Error(`platform exited before READY (${code ?? signal}):\n${err}`));
    });
  });
}

function kill(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await createTables(client, ALL_TABLES, prefix);
  await onboardRepo(store, TEST_REPO, {}, { causationId: 'setup', actor: 'system', now: new Date() });
}, 180_000);

afterAll(async () => {
  if (child) await kill(child);
  client.destroy();
  rmSync(dataDir, { recursive: true, force: true });
});

test(`SIGKILL ${KILLS} times during ${TASKS} tasks: all terminal, nothing lost or duplicated, views equal a rebuild`, async () => {
  const ids: string[] = [];
  const submitSome = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const { taskId } = await submitTask(
        store,
        { userId: `crash-user-${ids.length % 7}`, repo: TEST_REPO, taskDescription: `task ${ids.length}`, issueNumber: null, channelSource: 'api', idempotencyKey: null },
        { causationId: 'test', actor: 'user:test', now: new Date() },
      );
      ids.push(taskId);
    }
  };

  // Submissions go straight to the store (the API's job), in waves, while the platform lives and dies.
  await submitSome(10);
  for (let k = 0; k < KILLS; k++) {
    child = await startProcess();
    await submitSome(8);
    await sleep(500 + Math.random() * 2500);
    await kill(child);
  }
  await submitSome(TASKS - ids.length);
  child = await startProcess();

  await waitUntil(() => allTerminal(store, ids), 180_000, 'every task terminal');
  const tasks = await streamsOf(store, 'Task');
  const users = await streamsOf(store, 'User');
  const outcomes = new Map<string, number>();
  for (const events of tasks.values()) {
    const last = events.at(-1)!;
    const key = last.type === 'TaskFailed' ? `TaskFailed:${(last.data as { code: string }).code}` : last.type;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
  }
  process.stderr.write(`crash-restart outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}\n`);
  expect(taskStreamProblems(tasks, ids)).toEqual([]);
  expect(admissionProblems(users, 3)).toEqual([]);
  // The views catch up (the projections consume the same at-least-once stream).
  let problems: string[] = [];
  await waitUntil(async () => (problems = await viewProblems(views, tasks, users)).length === 0, 240_000, 'views equal to a rebuild').catch(() => undefined);
  expect(problems).toEqual([]);
}, 600_000);

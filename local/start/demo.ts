/**
 * `npm run demo`: one complete task on the demo repository, through the REST API of a running
 * `npm start` (found through `<data-dir>/endpoints.json`, authenticated with the admin key). It
 * submits the task, prints status changes and the agent's steps until the task ends, then the pull
 * request's URL and its `git diff --stat` (from a clone of the forge). Exit 0 when the task
 * COMPLETED with a pull request, 1 otherwise (with the error and its classification).
 *
 * It does not start a platform of its own: without a running `npm start` it says to run it first.
 *
 *   npm run demo [-- --data-dir DIR --task "..." --timeout SECONDS]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readAdminKey } from './admin-key';
import { apiAnswers, callApi, errorText, TERMINAL_STATUSES } from './api-client';
import { DEMO_NAME, DEMO_OWNER, DEMO_REPO, DEMO_TASK } from './demo-repo';
import { isProcessAlive, readEndpoints, type Endpoints } from './endpoints';
import { DEFAULT_DATA_DIR } from './options';
import { readForgeToken } from './secrets';

const run = promisify(execFile);

const USAGE = `Usage: npm run demo [-- options]

Runs one task on ${DEMO_REPO} through the REST API of a running \`npm start\` (the replay harness:
no model needed) and prints the pull request and its diff stat. Exit 0 when the task completes
with a pull request, 1 otherwise.

Options:
  --data-dir DIR     the data directory of \`npm start\` (default <repo>/.abca; ABCA_DATA_DIR)
  --task TEXT        the task description (default: "${DEMO_TASK}")
  --timeout SECONDS  give up waiting after this long (default 300)
  -h, --help         this help`;

interface DemoOptions {
  readonly dataDir: string;
  readonly task: string;
  readonly timeoutMs: number;
}

function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): DemoOptions | 'help' {
  let dataDir = env.ABCA_DATA_DIR?.trim() ? path.resolve(env.ABCA_DATA_DIR) : DEFAULT_DATA_DIR;
  let task = DEMO_TASK;
  let timeoutMs = 300_000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${name} needs a value`);
      return v;
    };
    if (name === '-h' || name === '--help') return 'help';
    else if (name === '--data-dir') dataDir = path.resolve(value());
    else if (name === '--task') task = value();
    else if (name === '--timeout') {
      const s = Number(value());
      if (!Number.isFinite(s) || s <= 0) throw new Error('--timeout must be a positive number of seconds');
      timeoutMs = s * 1000;
    } else throw new Error(`unknown option ${arg} (see --help)`);
  }
  return { dataDir, task, timeoutMs };
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`.padStart(7);

/** The running platform's endpoints, or a message saying why there is none. */
async function findPlatform(dataDir: string): Promise<Endpoints | string> {
  const notRunning = `ABCA is not running on ${dataDir}. Start it first, in another terminal:\n\n  npm start${dataDir === DEFAULT_DATA_DIR ? '' : ` -- --data-dir ${dataDir}`}\n\nthen run \`npm run demo\` again.`;
  const endpoints = readEndpoints(dataDir);
  if (!endpoints) return notRunning;
  if (!isProcessAlive(endpoints.pid) || !(await apiAnswers(endpoints.api_url))) return `${notRunning}\n(${path.join(dataDir, 'endpoints.json')} is left over from a run that did not stop cleanly.)`;
  return endpoints;
}

/** One line for an agent progress event (or undefined for those not worth a line). */
function describeEvent(e: { event_type: string; metadata: Record<string, unknown> }): string | undefined {
  const m = e.metadata;
  switch (e.event_type) {
    case 'agent_turn':
      return `turn ${m.turn}${m.text ? `: ${m.text}` : ''}`;
    case 'agent_tool_call':
      return `${m.tool}: ${m.summary}`;
    case 'agent_milestone':
      return `${m.name}${m.detail ? `: ${m.detail}` : ''}`;
    case 'agent_error':
      return `error: ${m.message}`;
    default:
      return undefined;
  }
}

async function diffStat(endpoints: Endpoints, dataDir: string, branch: string): Promise<string> {
  const token = await readForgeToken(dataDir);
  if (!token) throw new Error(`no forge token in ${dataDir}/secrets`);
  const host = endpoints.forge_url.replace(/^http:\/\//, '');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-demo-'));
  try {
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
    await run('git', ['clone', '--quiet', '--no-tags', `http://x-access-token:${encodeURIComponent(token)}@${host}/${DEMO_OWNER}/${DEMO_NAME}.git`, dir], { env, timeout: 60_000 });
    const { stdout } = await run('git', ['-C', dir, 'diff', '--stat', `origin/main...origin/${branch}`], { env, timeout: 30_000 });
    return stdout.trimEnd();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  let options: DemoOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`npm run demo: ${(err as Error).message}\n`);
    return 2;
  }
  if (options === 'help') {
    say(USAGE);
    return 0;
  }
  const found = await findPlatform(options.dataDir);
  if (typeof found === 'string') {
    process.stderr.write(`${found}\n`);
    return 1;
  }
  const endpoints = found;
  const key = readAdminKey(options.dataDir);
  if (!key) {
    process.stderr.write(`No admin key in ${options.dataDir}/admin.key: restart \`npm start\` (it creates one).\n`);
    return 1;
  }

  const started = Date.now();
  const created = await callApi(endpoints.api_url, key, 'POST', '/v1/tasks', { repo: DEMO_REPO, task_description: options.task });
  if (created.status !== 201) {
    process.stderr.write(`Submitting the task failed: ${errorText(created)}\n`);
    return 1;
  }
  const taskId = created.body.data.task_id as string;
  say(`Task ${taskId} on ${DEMO_REPO}: "${options.task}"`);
  say(`  (API ${endpoints.api_url}; follow it with: npm run bgagent -- watch ${taskId})`);

  let status = '';
  let after: string | undefined;
  // As `bgagent watch`: 200 ms after a round that showed something new (the agent is talking),
  // doubling back to a second while nothing comes.
  let wait = 1_000;
  let task: Record<string, any> | undefined;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const got = await callApi(endpoints.api_url, key, 'GET', `/v1/tasks/${taskId}`);
    if (got.status !== 200) {
      process.stderr.write(`Reading the task failed: ${errorText(got)}\n`);
      return 1;
    }
    task = got.body.data as Record<string, any>;
    const shown = after;
    const events = await callApi(endpoints.api_url, key, 'GET', `/v1/tasks/${taskId}/events?limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    if (events.status === 200) {
      for (const e of events.body.data as Array<{ event_id: string; event_type: string; metadata: Record<string, unknown> }>) {
        after = e.event_id;
        const line = describeEvent(e);
        if (line) say(`${seconds(started)}    agent  ${line}`);
      }
    }
    if (task.status !== status) {
      status = task.status;
      say(`${seconds(started)}  ${status}`);
    }
    if (TERMINAL_STATUSES.includes(status)) break;
    if (Date.now() > deadline) {
      process.stderr.write(`\nThe task is still ${status} after ${options.timeoutMs / 1000} s; it goes on: npm run bgagent -- watch ${taskId}\n`);
      return 1;
    }
    wait = after !== shown ? 200 : Math.min(1_000, wait * 2);
    await sleep(wait);
  }

  say('');
  if (status === 'COMPLETED' && task.pr_url) {
    say(`Pull request: ${task.pr_url}`);
    say(`Branch:       ${task.branch_name}   (turns ${task.turns_completed ?? 0}, cost $${Number(task.cost_usd ?? 0).toFixed(2)}, tests ${task.build_passed === false ? 'failed' : 'passed'})`);
    try {
      say('');
      say(`git diff --stat main...${task.branch_name}`);
      say(await diffStat(endpoints, options.dataDir, task.branch_name as string));
    } catch (err) {
      say(`(could not show the diff stat: ${(err as Error).message})`);
    }
    return 0;
  }
  say(`The task ended ${status}${task.pr_url ? ` (pull request ${task.pr_url})` : ' without a pull request'}.`);
  if (task.error_message) say(`Error: ${task.error_message}`);
  const c = task.error_classification as { category?: string; title?: string; description?: string; remedy?: string; retryable?: boolean } | null;
  if (c) {
    say(`Classification: ${c.category}: ${c.title}${c.retryable ? ' (retryable)' : ''}`);
    if (c.description) say(`  ${c.description}`);
    if (c.remedy) say(`  What to do: ${c.remedy}`);
  }
  say(`Logs: ${path.join(options.dataDir, 'logs', 'platform.log')}; the agent's: ${path.join(options.dataDir, 'sessions', 'sessions', String(task.session_id ?? '<session>'), 'agent.log')}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`npm run demo failed: ${err.message}\n`);
    process.exit(1);
  },
);

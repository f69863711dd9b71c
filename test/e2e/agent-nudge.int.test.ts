/**
 * A nudge reaches a real agent while it works: the Nudge command appends NudgeReceived, the
 * publisher puts it on the local EventBridge, the nudge-delivery service writes it to the task's
 * inbox in the blob store, the sandboxed agent (replay harness) drains the inbox between steps and
 * acknowledges it, and the acknowledgement comes back through Kinesis into the progress view. The
 * task still ends COMPLETED. A nudge to a finished task is refused and writes nothing.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { progressStoresOf } from '../../projections/progress-view/stores';
import { handleCommand, type CommandContext } from '../../services/kernel/command-handler';
import { DomainError } from '../../services/kernel/errors';
import { taskDecider } from '../../services/tasks/task/task-decider';
import { submit, waitUntil } from '../support/platform';
import { startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

let e2e: AgentE2e;
let completedTaskId: string | undefined;

beforeAll(async () => {
  e2e = await startAgentPlatform((dataDir) => [
    { type: 'turn', text: 'Starting' },
    // Busy until the nudge has travelled store → bus → inbox (the inbox folder is bound read-only
    // into the sandbox at the same path), not a fixed 6 s that a loaded machine can outlast; at
    // most about a minute, as a guard.
    { type: 'run', command: `i=0; until ls '${dataDir}'/blobs/nudges/*/*.json >/dev/null 2>&1 || [ $i -ge 600 ]; do sleep 0.1; i=$((i+1)); done` },
    { type: 'write', path: 'CHANGELOG.md', content: '# Changelog\n' },
    { type: 'commit', message: 'Add a changelog' },
  ]);
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
});

const context = (taskId: string, cause: string): CommandContext => ({ correlationId: taskId, causationId: cause, actor: 'user:dana', now: new Date() });
const nudge = (taskId: string, nudgeId: string, message: string) =>
  handleCommand(e2e.platform.store, taskDecider, { type: 'Task', id: taskId }, { type: 'Nudge', nudgeId, message, nudgedBy: 'user:dana' }, context(taskId, `api:${nudgeId}`));
const inboxFiles = (taskId: string): string[] => {
  const dir = path.join(e2e.dataDir, 'blobs', 'nudges', taskId);
  return existsSync(dir) ? readdirSync(dir) : [];
};

test('a nudge sent while the agent runs is received between its steps, shows in the progress view, and the task completes', async () => {
  const { platform } = e2e;
  const { taskId } = await submit(platform, 'dana', { taskDescription: 'Add a changelog' });
  await waitUntil(async () => (await platform.views.taskViews.get(taskId))?.status === 'RUNNING', undefined, 'RUNNING');

  // The zero-width space is removed by the decider: the agent gets the sanitised text.
  await nudge(taskId, 'nudge-1', '  Please keep the changelog short\u200B ');
  const message = 'Please keep the changelog short';

  const { progressEvents } = progressStoresOf(platform.ports);
  const events = await waitUntil(async () => {
    const items = (await progressEvents.listProgress(taskId, { limit: 200 })).items.map((i) => i.event);
    return items.some((e) => e.kind === 'milestone' && e.name === 'nudge_received') ? items : undefined;
  }, undefined, 'the agent to acknowledge the nudge');
  // Delivered by the runtime, acknowledged by the harness — once each, with the message, and
  // before the step after the long run: the agent got it while it worked.
  const nudgeMilestones = events.filter((e) => e.kind === 'milestone' && e.name.startsWith('nudge_'));
  expect(nudgeMilestones).toEqual([
    { kind: 'milestone', name: 'nudge_delivered', detail: message },
    { kind: 'milestone', name: 'nudge_received', detail: message },
  ]);
  const received = events.findIndex((e) => e.kind === 'milestone' && e.name === 'nudge_received');
  const wrote = events.findIndex((e) => e.kind === 'tool_call' && e.tool === 'write');
  expect(wrote === -1 || received < wrote).toBe(true);

  const view = await waitTerminal(platform, taskId);
  expect({ status: view.status, error: view.errorMessage }).toEqual({ status: 'COMPLETED', error: null });
  const progress = await progressStoresOf(platform.ports).progressViews.get(taskId);
  expect(progress?.lines.map((l) => l.text)).toContain(`nudge_received: ${message}`);
  expect(inboxFiles(taskId)).toHaveLength(1);
  completedTaskId = taskId;
}, 180_000);

test('a nudge to a finished task is refused (TASK_ALREADY_TERMINAL) and writes nothing', async () => {
  const { platform } = e2e;
  expect(completedTaskId).toBeDefined();
  const taskId = completedTaskId!;
  const before = await platform.store.readStream({ type: 'Task', id: taskId });

  const err = await nudge(taskId, 'nudge-2', 'Too late?').catch((e: unknown) => e);

  expect(err).toBeInstanceOf(DomainError);
  expect(err).toMatchObject({ code: 'TASK_ALREADY_TERMINAL', message: `Task ${taskId} is already COMPLETED; there is no agent left to nudge.` });
  await platform.quiesce();
  expect(await platform.store.readStream({ type: 'Task', id: taskId })).toEqual(before);
  expect(inboxFiles(taskId)).toHaveLength(1); // only the first nudge's file
});

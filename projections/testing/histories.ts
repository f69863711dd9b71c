/**
 * Test histories: stored-looking event envelopes made by running commands through a decider (no
 * store, no I/O), so that unit tests fold exactly what the domain would have written.
 */
import { ulid } from 'ulid';
import type { Decider } from '../../services/kernel/decider';
import type { DomainEvent, EventEnvelope, EventType, FoldableEvent, StreamRef } from '../../services/kernel/envelope';
import { sourceOf } from '../../services/kernel/envelope';
import { isDomainError } from '../../services/kernel/errors';
import { schemaVersionOf } from '../../services/kernel/validation';
import { withDefaults } from '../../services/repos/repo/repo-config';
import type { SubmitTask, TaskCommand } from '../../services/tasks/task/task-commands';

export interface TimedCommand<C> {
  readonly command: C;
  /** occurredAt of the events it produces (ISO-8601). */
  readonly at: string;
}

/** Wraps domain events into envelopes at the next sequences of `stream`. */
export function envelopes(stream: StreamRef, firstSequence: number, events: readonly DomainEvent[], at: string): EventEnvelope[] {
  return events.map(
    (event, i) =>
      ({
        id: ulid(),
        type: event.type,
        schemaVersion: schemaVersionOf(event.type),
        stream,
        sequence: firstSequence + i,
        occurredAt: at,
        recordedAt: at,
        correlationId: stream.id,
        causationId: `test:${stream.id}`,
        source: sourceOf(stream),
        data: event.data,
        metadata: { actor: 'system' },
      }) as EventEnvelope,
  );
}

/**
 * Runs `commands` through `decider` on `stream` and returns the events it would have appended.
 * Commands the decider refuses (DomainError) are skipped, as a refused command writes nothing.
 */
export function history<C, S, E extends EventType>(decider: Decider<C, S, E>, stream: StreamRef, commands: readonly TimedCommand<C>[]): EventEnvelope[] {
  const out: EventEnvelope[] = [];
  let state = decider.initialState();
  for (const { command, at } of commands) {
    let events: DomainEvent<E>[];
    try {
      events = decider.decide(command, state);
    } catch (err) {
      if (isDomainError(err)) continue;
      throw err;
    }
    const wrapped = envelopes(stream, out.length + 1, events, at);
    for (const e of wrapped) state = decider.evolve(state, e as unknown as FoldableEvent<E>);
    out.push(...wrapped);
  }
  return out;
}

const TEST_REPO_CONFIG = withDefaults({ computeType: 'local', modelId: 'model-x', maxTurns: 80, maxBudgetUsd: 5 });

export function submit(taskId: string, userId: string, overrides: Partial<SubmitTask> = {}): SubmitTask {
  return {
    type: 'SubmitTask',
    taskId,
    userId,
    repo: 'octo/widgets',
    taskDescription: `Do task ${taskId}`,
    issueNumber: null,
    channelSource: 'api',
    idempotencyKey: null,
    repoConfig: TEST_REPO_CONFIG,
    now: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const PROMPT_VERSION = '0123456789ab';

/** The commands of a task's happy path after SubmitTask, ending COMPLETED with a pull request. */
export function happyPath(taskId: string, deadlineAt = '2025-01-01T08:00:00.000Z'): TaskCommand[] {
  const sessionId = `sess-${taskId}`;
  return [
    { type: 'AdmitTask', fromQueue: false },
    {
      type: 'RecordHydration',
      promptVersion: PROMPT_VERSION,
      promptRef: `prompts/${taskId}.json`,
      estimatedTokens: 1200,
      sources: { issue: false, comments: 0, memoryItems: 2 },
      trimmedComments: 0,
    },
    { type: 'StartSession', sessionId, computeType: 'local', deadlineAt },
    {
      type: 'EndSession',
      sessionId,
      outcome: 'success',
      error: null,
      turns: 17,
      costUsd: 1.25,
      commits: 3,
      prUrl: `https://github.com/octo/widgets/pull/7`,
      prNumber: 7,
      buildPassed: true,
      lintPassed: false,
    },
    { type: 'FinalizeTask', commitsOnBranch: 3 },
  ];
}

/** `count` commands at one-minute steps from `start`. */
export function timed<C>(commands: readonly C[], start = '2025-01-01T00:00:00.000Z', stepMs = 60_000): TimedCommand<C>[] {
  const t0 = Date.parse(start);
  return commands.map((command, i) => ({ command, at: new Date(t0 + i * stepMs).toISOString() }));
}

/** A deterministic shuffle (mulberry32), so failures reproduce. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

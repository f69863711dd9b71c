/** bgagent submit: POST /v1/tasks, then optionally follow the task to its end. */
import { flag, intOpt, numberOpt, stringOpt, UsageError } from '../args';
import type { CommandSpec } from '../command';
import { IDEMPOTENCY_KEY_PATTERN, REPO_PATTERN, type CreateTaskRequest } from '../types';
import { exitCodeFor, watchTask } from '../watch';

export const submit: CommandSpec = {
  name: 'submit',
  summary: 'Submit a coding task: a repository plus a GitHub issue and/or a description.',
  notes: [
    'At least one of --issue or --task is required. The repository must be onboarded (REPO_NOT_ONBOARDED otherwise).',
    'With --wait, progress is followed like `bgagent watch` until the task ends; the exit code is then',
    '0 when it COMPLETED and 1 otherwise. Ctrl-C stops waiting (exit 130) without cancelling the task.',
  ],
  options: {
    repo: { type: 'string', value: '<owner/name>', description: 'GitHub repository (required)' },
    issue: { type: 'string', value: '<number>', description: 'GitHub issue number' },
    task: { type: 'string', value: '<description>', description: 'What to do (up to 10,000 characters)' },
    'max-turns': { type: 'string', value: '<n>', description: 'Maximum agent turns (1-500, default 100)' },
    'max-budget': { type: 'string', value: '<usd>', description: 'Maximum cost in USD (0.01-100)' },
    model: { type: 'string', value: '<model_id>', description: 'Model to use instead of the repository\'s' },
    'idempotency-key': { type: 'string', value: '<key>', description: 'Deduplication key ([a-zA-Z0-9_-], up to 128): repeating it returns the same task' },
    wait: { type: 'boolean', description: 'Follow the task until it ends; print the PR URL' },
  },
  examples: [
    'bgagent submit --repo acme/api --issue 42',
    'bgagent submit --repo acme/api --task "Add rate limiting to /search" --max-turns 50 --wait',
    'bgagent submit --repo acme/api --issue 42 --idempotency-key issue-42 --json',
  ],
  async run(ctx, args) {
    const repo = stringOpt(args, 'repo');
    if (!repo) throw new UsageError('missing option --repo <owner/name>');
    if (!REPO_PATTERN.test(repo)) throw new UsageError(`--repo must be owner/name (got '${repo}')`);
    const issue = intOpt(args, 'issue', { min: 1 });
    const description = stringOpt(args, 'task');
    if (issue === undefined && (description === undefined || description.trim() === '')) {
      throw new UsageError('give --issue <number> and/or --task <description>');
    }
    const key = stringOpt(args, 'idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new UsageError('--idempotency-key must be 1-128 characters of a-z, A-Z, 0-9, _ and -');
    }
    const maxTurns = intOpt(args, 'max-turns');
    const maxBudget = numberOpt(args, 'max-budget');
    const model = stringOpt(args, 'model');
    const body: CreateTaskRequest = {
      repo,
      ...(description !== undefined ? { task_description: description } : {}),
      ...(issue !== undefined ? { issue_number: issue } : {}),
      ...(maxTurns !== undefined ? { max_turns: maxTurns } : {}),
      ...(maxBudget !== undefined ? { max_budget_usd: maxBudget } : {}),
      ...(model !== undefined ? { model_id: model } : {}),
    };

    const res = await ctx.client().createTask(body, key);
    const task = res.body.data;
    const replayed = res.headers.get('idempotent-replay') === 'true';
    const wait = flag(args, 'wait');
    if (!ctx.json) {
      ctx.out(
        replayed
          ? `Task ${ctx.style.bold(task.task_id)} already exists for this idempotency key (${ctx.style.status(task.status)}); nothing new was started.`
          : `Task ${ctx.style.bold(task.task_id)} submitted (${ctx.style.status(task.status)}) on ${task.repo}.`,
      );
      if (!wait) ctx.out(ctx.style.dim(`Follow it with: bgagent watch ${task.task_id}`));
    }
    if (!wait) {
      if (ctx.json) ctx.printJson(task);
      return 0;
    }
    const final = await watchTask(ctx, task.task_id, { events: 'lines', outcome: true });
    if (ctx.json) ctx.printJson(final);
    return exitCodeFor(final);
  },
};

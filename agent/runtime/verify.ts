/**
 * Verification: the repository's build, test and lint commands (RepoConfig.verify), each a shell
 * command run in the workspace with a timeout, in that order, all of them (a failing build does not
 * hide the lint results). The last lines of each command's output are kept for the PR.
 *
 * Gating decides whether a failure fails the task:
 * - strict: any failing check fails it.
 * - regression_only: only a check that passed on the base commit and fails now counts. The checks
 *   are run on the base commit in a temporary worktree (detached, removed afterwards) — only when
 *   something fails at HEAD: when everything passes there is nothing to compare. The whole list is
 *   run there in order (a test usually needs the build before it). When the base cannot be checked
 *   out, a failure counts (we cannot prove it is old).
 * - informational: never fails the task; the results are reported.
 *
 * `buildPassed` is the build and test commands together (the report has no separate test flag),
 * `lintPassed` the lint commands; null when none is configured. They say what happened at HEAD,
 * whatever the gating; `failed` / `failures` say what the gating made of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionPayload } from '../contracts';
import type { Git } from './git';
import { childEnv, describeExit, runShell } from './process';

export type Gating = SessionPayload['verify']['gating'];
type CheckKind = 'build' | 'test' | 'lint';

interface CheckRun {
  readonly kind: CheckKind;
  readonly command: string;
  readonly passed: boolean;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** How it ended, for people: "exited with code 1", "timed out after 600 s". */
  readonly status: string;
  readonly outputTail: string;
}

export interface CheckResult extends CheckRun {
  /** The same check on the base commit: true / false, or null when it was not run. */
  readonly passedOnBase: boolean | null;
  /** Whether this check's result fails the task under the gating. */
  readonly counted: boolean;
}

export interface VerificationResult {
  readonly gating: Gating;
  /** The gating says the task failed. */
  readonly failed: boolean;
  /** One line per counted failure. */
  readonly failures: readonly string[];
  readonly buildPassed: boolean | null;
  readonly testPassed: boolean | null;
  readonly lintPassed: boolean | null;
  readonly checks: readonly CheckResult[];
  /** Whether the checks were run on the base commit. */
  readonly baseChecked: boolean;
  /** Why the base could not be checked (regression_only), when it could not. */
  readonly baseError: string | null;
  /** Set when verification was cut short by the abort signal. */
  readonly aborted: boolean;
}

export interface VerifyOptions {
  readonly git: Git;
  readonly commands: Pick<SessionPayload['verify'], 'build' | 'test' | 'lint'>;
  readonly gating: Gating;
  readonly baseCommit: string;
  /** Per command (default 15 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Environment of the commands (default: the agent's without secrets). */
  readonly env?: NodeJS.ProcessEnv;
  /** Characters of output kept per check (default 3000). */
  readonly tailChars?: number;
  /** Called as each check at HEAD finishes. */
  readonly onCheck?: (check: CheckRun) => void;
}

const DEFAULT_CHECK_TIMEOUT_MS = 15 * 60_000;

function planOf(commands: VerifyOptions['commands']): Array<{ kind: CheckKind; command: string }> {
  return [
    ...commands.build.map((command) => ({ kind: 'build' as const, command })),
    ...commands.test.map((command) => ({ kind: 'test' as const, command })),
    ...commands.lint.map((command) => ({ kind: 'lint' as const, command })),
  ];
}

async function runChecks(dir: string, options: VerifyOptions, onCheck?: (check: CheckRun) => void): Promise<CheckRun[]> {
  const runs: CheckRun[] = [];
  for (const { kind, command } of planOf(options.commands)) {
    if (options.signal?.aborted) break;
    const result = await runShell(command, {
      cwd: dir,
      env: options.env ?? childEnv({ CI: 'true' }),
      timeoutMs: options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
      signal: options.signal,
      tailChars: options.tailChars ?? 3000,
    });
    const run: CheckRun = {
      kind,
      command,
      passed: result.exitCode === 0 && !result.timedOut && !result.aborted,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      status: result.exitCode === 0 && !result.timedOut && !result.aborted ? 'passed' : describeExit(result),
      outputTail: result.outputTail,
    };
    runs.push(run);
    onCheck?.(run);
  }
  return runs;
}

function allPassed(checks: readonly CheckRun[], kinds: readonly CheckKind[]): boolean | null {
  const relevant = checks.filter((c) => kinds.includes(c.kind));
  return relevant.length === 0 ? null : relevant.every((c) => c.passed);
}

/** Runs the checks on `commit` in a temporary detached worktree. */
async function runOnCommit(options: VerifyOptions, commit: string): Promise<CheckRun[]> {
  const { git } = options;
  const parent = await mkdtemp(path.join(tmpdir(), 'bgagent-base-'));
  const dir = path.join(parent, 'worktree');
  try {
    await git.out(['worktree', 'add', '--quiet', '--detach', dir, commit]);
    return await runChecks(dir, options);
  } finally {
    await git.run(['worktree', 'remove', '--force', dir]);
    await rm(parent, { recursive: true, force: true });
    await git.run(['worktree', 'prune']);
  }
}

export async function verify(options: VerifyOptions): Promise<VerificationResult> {
  const head = await runChecks(options.git.dir, options, options.onCheck);
  const aborted = options.signal?.aborted ?? false;
  let base: CheckRun[] | null = null;
  let baseError: string | null = null;

  if (options.gating === 'regression_only' && !aborted && head.some((c) => !c.passed)) {
    try {
      base = await runOnCommit(options, options.baseCommit);
    } catch (err) {
      baseError = options.git.redact(err instanceof Error ? err.message : String(err));
    }
  }

  const checks: CheckResult[] = head.map((check, i) => {
    const passedOnBase = base?.[i]?.passed ?? null;
    let counted: boolean;
    switch (options.gating) {
      case 'strict':
        counted = !check.passed;
        break;
      case 'regression_only':
        counted = !check.passed && passedOnBase !== false;
        break;
      case 'informational':
        counted = false;
        break;
    }
    return { ...check, passedOnBase, counted };
  });

  const failures = checks
    .filter((c) => c.counted)
    .map((c) => `${c.kind} \`${c.command}\` ${c.status}${options.gating === 'regression_only' ? (c.passedOnBase ? ' (passed on the base commit)' : ' (the base commit could not be checked)') : ''}`);

  return {
    gating: options.gating,
    failed: failures.length > 0,
    failures,
    buildPassed: allPassed(head, ['build', 'test']),
    testPassed: allPassed(head, ['test']),
    lintPassed: allPassed(head, ['lint']),
    checks,
    baseChecked: base !== null,
    baseError,
    aborted,
  };
}

/**
 * The pull request the agent opens: a title from the task, and a body that gives the task (and the
 * issue it resolves), what changed (`git diff --stat base...HEAD` and the commits), the
 * verification results, the turns and cost, the prompt version and the task id.
 *
 * The body stays under GitHub's 65 536 characters: the task text, the diff stat, the commit list
 * and the output excerpts are each cut to a budget.
 */
import type { Git } from './git';
import type { CheckResult, VerificationResult } from './verify';

interface CommitSummary {
  readonly sha: string;
  readonly subject: string;
}

export interface ChangeSummary {
  readonly diffStat: string;
  readonly commits: readonly CommitSummary[];
  readonly files: readonly string[];
}

/** What changed on the branch since the base commit. */
export async function collectChanges(git: Git, baseCommit: string): Promise<ChangeSummary> {
  const diffStat = await git.out(['diff', '--stat=100', `${baseCommit}...HEAD`]);
  const log = await git.out(['log', '--no-merges', '--reverse', '--format=%h%x09%s', `${baseCommit}..HEAD`]);
  const files = await git.out(['diff', '--name-only', `${baseCommit}...HEAD`]);
  return {
    diffStat,
    commits: log === '' ? [] : log.split('\n').map((line) => {
      const [sha, ...rest] = line.split('\t');
      return { sha: sha!, subject: rest.join('\t') };
    }),
    files: files === '' ? [] : files.split('\n'),
  };
}

/** The task as the prompt states it: the `## Task` section of the hydrated prompt, else the whole prompt. */
export function taskTextFromPrompt(prompt: string): string {
  const match = /^## Task[ \t]*\r?\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(prompt);
  const text = (match ? match[1]! : prompt).trim();
  return text === '' ? prompt.trim() : text;
}

export interface PullRequestContentInput {
  readonly taskId: string;
  readonly sessionId: string;
  readonly issueNumber: number | null;
  readonly promptVersion: string;
  /** The task text (taskTextFromPrompt). */
  readonly task: string;
  readonly changes: ChangeSummary;
  readonly verification: VerificationResult | null;
  readonly turns: number;
  readonly costUsd: number;
  readonly outcome: 'success' | 'error';
  readonly error: string | null;
}

export interface PullRequestContent {
  readonly title: string;
  readonly body: string;
}

const MAX_TITLE_LENGTH = 72;
export const MAX_BODY_LENGTH = 60_000;

function cut(text: string, max: number, marker = '…'): string {
  return text.length <= max ? text : `${text.slice(0, max - marker.length)}${marker}`;
}

/** Text inside a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A fenced block that the content cannot close early. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

export function pullRequestTitle(task: string, issueNumber: number | null): string {
  const firstLine = task.split(/\r?\n/).map((l) => l.replace(/^[#>*\-\s]+/, '').trim()).find((l) => l !== '') ?? '';
  const base = firstLine !== '' ? firstLine : issueNumber !== null ? `Resolve issue #${issueNumber}` : 'Changes by bgagent';
  return cut(base, MAX_TITLE_LENGTH);
}

function checkResultText(c: CheckResult): string {
  return c.passed ? '✅ passed' : c.timedOut ? '⏱️ timed out' : `❌ ${c.status}`;
}

function verificationSection(v: VerificationResult | null): string[] {
  if (v === null) return ['## Verification', '', '_Not run._'];
  const lines = ['## Verification', '', `Gating: \`${v.gating}\` — ${v.failed ? `**failed**: ${v.failures.length} check${v.failures.length === 1 ? '' : 's'} ${v.gating === 'regression_only' ? 'regressed' : 'failed'}` : 'passed'}${v.aborted ? ' (cut short)' : ''}.`, ''];
  if (v.checks.length === 0) return [...lines, '_No build, test or lint commands are configured for this repository._'];
  const withBase = v.gating === 'regression_only';
  lines.push(withBase ? '| Check | Command | Result | On the base commit | Time |' : '| Check | Command | Result | Time |');
  lines.push(withBase ? '|---|---|---|---|---|' : '|---|---|---|---|');
  for (const c of v.checks) {
    const time = `${(c.durationMs / 1000).toFixed(1)} s`;
    const base = c.passedOnBase === null ? '—' : c.passedOnBase ? 'passed' : 'failed (not a regression)';
    const cells = [c.kind, `\`${cell(cut(c.command, 120))}\``, checkResultText(c), ...(withBase ? [base] : []), time];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (v.baseError) lines.push('', `The base commit could not be checked: ${cut(v.baseError, 500)}`);
  const failing = v.checks.filter((c) => !c.passed && c.outputTail.trim() !== '');
  for (const c of failing.slice(0, 5)) {
    lines.push('', `<details><summary>Output of <code>${escapeHtml(cut(c.command, 120))}</code> (last lines)</summary>`, '', fence(cut(lastLines(c.outputTail, 40), 3000)), '', '</details>');
  }
  return lines;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split(/\r?\n/).slice(-n).join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderPullRequest(input: PullRequestContentInput): PullRequestContent {
  const { changes } = input;
  const lines: string[] = ['## Task', ''];
  lines.push(cut(input.task.trim(), 4000).split(/\r?\n/).map((l) => (l.trim() === '' ? '>' : `> ${l}`)).join('\n'));
  if (input.issueNumber !== null) lines.push('', `Resolves #${input.issueNumber}`);

  lines.push('', '## What changed', '');
  if (changes.commits.length === 0) lines.push('_No commits._');
  else {
    lines.push(fence(cut(changes.diffStat, 8000)), '', `Commits (${changes.commits.length}):`, '');
    const shown = changes.commits.slice(0, 100);
    for (const c of shown) lines.push(`- \`${c.sha}\` ${cut(c.subject, 200)}`);
    if (changes.commits.length > shown.length) lines.push(`- … and ${changes.commits.length - shown.length} more`);
  }

  lines.push('', ...verificationSection(input.verification));

  lines.push('', '## Session', '');
  lines.push('| Outcome | Turns | Cost | Prompt version | Task id |', '|---|---|---|---|---|');
  lines.push(`| ${input.outcome === 'success' ? 'success' : 'error'} | ${input.turns} | $${input.costUsd.toFixed(2)} | \`${cell(input.promptVersion)}\` | \`${cell(input.taskId)}\` |`);
  if (input.error) lines.push('', `**The agent reported an error:** ${cut(input.error, 1000)}`);
  lines.push('', `<sub>Opened by bgagent (ABCA) — session \`${input.sessionId}\`. Commits carry the trailers \`Task-Id: ${input.taskId}\` and \`Prompt-Version: ${input.promptVersion}\`.</sub>`);

  return { title: pullRequestTitle(input.task, input.issueNumber), body: cut(lines.join('\n'), MAX_BODY_LENGTH, '\n\n_(cut)_') };
}

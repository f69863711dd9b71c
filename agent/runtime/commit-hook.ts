/**
 * The prepare-commit-msg hook that marks every commit of the session with the trailers
 *
 *   Task-Id: <taskId>
 *   Prompt-Version: <promptVersion>
 *
 * exactly once: `git interpret-trailers --if-exists doNothing` leaves a message that already has a
 * trailer with that key alone (amend, `commit -c`, cherry-pick of our own commits, rebase), and adds
 * them before git's comment block for merge commits. The hook runs for every commit made in the
 * workspace — by the harness, by the CLI agent, by the safety net (`--no-verify` does not skip it).
 *
 * The hook lives in the clone's own `.git/hooks`, and `core.hooksPath` is set to that folder in the
 * clone's config, so a global core.hooksPath cannot bypass it. A prepare-commit-msg that was there
 * already is kept as `prepare-commit-msg.orig` and run first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Git } from './git';

const HOOK_NAME = 'prepare-commit-msg';
const MARKER = '# bgagent: trailers hook';

export interface TrailerValues {
  readonly taskId: string;
  readonly promptVersion: string;
}

/** A value as a single-quoted shell word, on one line. */
function shellWord(value: string): string {
  return `'${value.replace(/[\r\n]+/g, ' ').replace(/'/g, `'\\''`)}'`;
}

export function commitHookScript(values: TrailerValues): string {
  return [
    '#!/bin/sh',
    MARKER,
    '# Installed by the ABCA agent runtime: adds the task trailers once per commit.',
    'set -e',
    'hook_dir=$(dirname "$0")',
    `if [ -x "$hook_dir/${HOOK_NAME}.orig" ]; then "$hook_dir/${HOOK_NAME}.orig" "$@"; fi`,
    'exec git interpret-trailers --in-place --where end --if-exists doNothing --if-missing add \\',
    `  --trailer ${shellWord(`Task-Id: ${values.taskId}`)} \\`,
    `  --trailer ${shellWord(`Prompt-Version: ${values.promptVersion}`)} \\`,
    '  "$1"',
    '',
  ].join('\n');
}

/** Installs (or refreshes) the hook; returns its path. Idempotent. */
export async function installCommitHook(git: Git, values: TrailerValues): Promise<string> {
  const gitDir = await git.out(['rev-parse', '--absolute-git-dir']);
  const hooksDir = path.join(gitDir, 'hooks');
  await mkdir(hooksDir, { recursive: true });
  const hook = path.join(hooksDir, HOOK_NAME);
  if (existsSync(hook) && !readFileSync(hook, 'utf8').includes(MARKER)) await rename(hook, `${hook}.orig`);
  await writeFile(hook, commitHookScript(values), { mode: 0o755 });
  await chmod(hook, 0o755);
  await git.out(['config', 'core.hooksPath', hooksDir]);
  return hook;
}

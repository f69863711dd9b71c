/**
 * The branch a task's agent works on: `bgagent/<taskId>/<slug>` (docs/ARCHITECTURE.md "The agent").
 *
 * The slug comes from the task description, or `issue-<n>` when the task is an issue: lowercase
 * ASCII letters and digits, every other run of characters becomes one `-` (accents are dropped
 * first, so `Corrigé` gives `corrige`), no `-` at either end, at most 50 characters, `task` when
 * nothing is left. The task id segment keeps only characters that are safe in a git ref.
 */

const BRANCH_PREFIX = 'bgagent';
export const MAX_SLUG_LENGTH = 50;
/** TaskSubmitted.branchName allows 120 characters: prefix (8) + task id (≤ 60) + `/` + slug (≤ 50). */
const MAX_TASK_ID_SEGMENT_LENGTH = 60;
export const FALLBACK_SLUG = 'task';

export function slugify(text: string | null | undefined, maxLength = MAX_SLUG_LENGTH): string {
  const slug = (text ?? '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // combining marks: é → e
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return slug === '' ? FALLBACK_SLUG : slug;
}

/** What the slug is made from: the description when there is one, else `issue-<n>`. */
export function branchSlugSource(taskDescription: string | null, issueNumber: number | null): string | null {
  if (taskDescription !== null && taskDescription.trim() !== '') return taskDescription;
  return issueNumber !== null ? `issue-${issueNumber}` : null;
}

/** Task ids are ULIDs in practice; anything a git ref cannot hold (`:`, `@`, `#`, `..`, ...) becomes `-`. */
function taskIdSegment(taskId: string): string {
  const safe = taskId
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .slice(0, MAX_TASK_ID_SEGMENT_LENGTH)
    .replace(/^-+|-+$/g, '');
  return safe === '' ? 'task' : safe;
}

export function branchName(taskId: string, text: string | null | undefined): string {
  return `${BRANCH_PREFIX}/${taskIdSegment(taskId)}/${slugify(text)}`;
}

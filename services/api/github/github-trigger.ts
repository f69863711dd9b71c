/**
 * Which GitHub webhook deliveries start a task (pure): an issue labelled with the repository's
 * trigger label, or a new issue comment that starts with `@bgagent` (the rest of the comment is
 * the instruction, the issue its context). Everything else is ignored with a reason that GitHub's
 * delivery log shows: other events and actions, pull-request comments (the agent works on issues),
 * and anything sent by a bot (so the agent's own comments never trigger a loop).
 * Payload shapes: GitHub's (checked against @octokit/webhooks-examples in the tests).
 */
export type GitHubTrigger =
  | { readonly kind: 'task'; readonly repo: string; readonly issueNumber: number; readonly instruction: string | null; readonly sender: string }
  | { readonly kind: 'ping' }
  | { readonly kind: 'ignored'; readonly reason: string };

const MENTION = '@bgagent';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `triggerLabelOf(repo)`: the repository's trigger label, or null when it is not onboarded. */
export function githubTrigger(eventName: string, payload: unknown, triggerLabel: string | null): GitHubTrigger {
  if (eventName === 'ping') return { kind: 'ping' };
  const p = obj(payload);
  const repo = str(obj(p?.repository)?.full_name);
  const issue = obj(p?.issue);
  const issueNumber = issue?.number;
  const sender = obj(p?.sender);
  if (!p || !repo || !issue || typeof issueNumber !== 'number' || !Number.isInteger(issueNumber)) {
    return { kind: 'ignored', reason: eventName === 'issues' || eventName === 'issue_comment' ? 'the payload has no repository or issue' : `event ${eventName} does not start tasks` };
  }
  if (str(sender?.type) === 'Bot') return { kind: 'ignored', reason: 'sent by a bot' };
  const login = str(sender?.login) ?? 'unknown';
  if (triggerLabel === null) return { kind: 'ignored', reason: `repository ${repo} is not onboarded` };

  if (eventName === 'issues') {
    if (p.action !== 'labeled') return { kind: 'ignored', reason: `issues action ${String(p.action)} does not start tasks` };
    const label = str(obj(p.label)?.name);
    if (label === undefined || label.toLowerCase() !== triggerLabel.toLowerCase()) return { kind: 'ignored', reason: `label ${JSON.stringify(label ?? '')} is not the trigger label ${JSON.stringify(triggerLabel)}` };
    return { kind: 'task', repo, issueNumber, instruction: null, sender: login };
  }
  if (eventName === 'issue_comment') {
    if (p.action !== 'created') return { kind: 'ignored', reason: `comment action ${String(p.action)} does not start tasks` };
    if (issue.pull_request !== undefined) return { kind: 'ignored', reason: 'comments on pull requests do not start tasks' };
    const body = (str(obj(p.comment)?.body) ?? '').trimStart();
    if (!body.toLowerCase().startsWith(MENTION)) return { kind: 'ignored', reason: `the comment does not start with ${MENTION}` };
    const instruction = body.slice(MENTION.length).trim();
    return { kind: 'task', repo, issueNumber, instruction: instruction === '' ? null : instruction.slice(0, 10_000), sender: login };
  }
  return { kind: 'ignored', reason: `event ${eventName} does not start tasks` };
}

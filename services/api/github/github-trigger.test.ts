/** Which GitHub deliveries start a task, on GitHub's real payload shapes (@octokit/webhooks-examples). */
import examples from '@octokit/webhooks-examples/api.github.com/index.json';
import { githubTrigger } from './github-trigger';

type Example = Record<string, any>;
const of = (name: string): Example[] => (examples as Array<{ name: string; examples: Example[] }>).find((e) => e.name === name)!.examples;

const labeled = of('issues').find((e) => e.action === 'labeled')!;
const opened = of('issues').find((e) => e.action === 'opened')!;
const created = of('issue_comment').find((e) => e.action === 'created')!;
const edited = of('issue_comment').find((e) => e.action === 'edited')!;
const ping = of('ping')[0]!;
const withLabel = (name: string) => ({ ...labeled, label: { ...labeled.label, name } });
const withComment = (body: string, extra: Example = {}) => ({ ...created, comment: { ...created.comment, body }, ...extra });

test('an issue labelled with the trigger label starts a task on that issue (case-insensitive)', () => {
  expect(githubTrigger('issues', withLabel('bgagent'), 'bgagent')).toEqual({ kind: 'task', repo: labeled.repository.full_name, issueNumber: labeled.issue.number, instruction: null, sender: labeled.sender.login });
  expect(githubTrigger('issues', withLabel('BGAgent'), 'bgagent').kind).toBe('task');
});

test('another label, another issues action, or a repository that is not onboarded: ignored with a reason', () => {
  expect(githubTrigger('issues', labeled, 'bgagent')).toEqual({ kind: 'ignored', reason: 'label "bug" is not the trigger label "bgagent"' });
  expect(githubTrigger('issues', opened, 'bgagent')).toMatchObject({ kind: 'ignored', reason: 'issues action opened does not start tasks' });
  expect(githubTrigger('issues', withLabel('bgagent'), null)).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('not onboarded') });
});

test('a new comment starting with @bgagent starts a task with the rest as the instruction', () => {
  expect(githubTrigger('issue_comment', withComment('@bgagent please add tests for the parser'), 'bgagent')).toEqual({
    kind: 'task',
    repo: created.repository.full_name,
    issueNumber: created.issue.number,
    instruction: 'please add tests for the parser',
    sender: created.sender.login,
  });
  expect(githubTrigger('issue_comment', withComment('  @BGAgent'), 'bgagent')).toMatchObject({ kind: 'task', instruction: null });
});

test('comments that do not start with the mention, edits, pull-request comments and bots are ignored', () => {
  expect(githubTrigger('issue_comment', created, 'bgagent')).toMatchObject({ kind: 'ignored', reason: 'the comment does not start with @bgagent' });
  expect(githubTrigger('issue_comment', { ...edited, comment: { ...edited.comment, body: '@bgagent go' } }, 'bgagent')).toMatchObject({ kind: 'ignored' });
  expect(githubTrigger('issue_comment', withComment('@bgagent go', { issue: { ...created.issue, pull_request: { url: 'x' } } }), 'bgagent')).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('pull requests') });
  expect(githubTrigger('issue_comment', withComment('@bgagent go', { sender: { ...created.sender, type: 'Bot' } }), 'bgagent')).toEqual({ kind: 'ignored', reason: 'sent by a bot' });
});

test('ping, other events and malformed payloads', () => {
  expect(githubTrigger('ping', ping, null)).toEqual({ kind: 'ping' });
  expect(githubTrigger('push', { repository: { full_name: 'a/b' } }, 'bgagent')).toMatchObject({ kind: 'ignored' });
  expect(githubTrigger('issues', null, 'bgagent')).toMatchObject({ kind: 'ignored' });
  expect(githubTrigger('issues', { issue: { number: 'x' }, repository: { full_name: 'a/b' } }, 'bgagent')).toMatchObject({ kind: 'ignored' });
});

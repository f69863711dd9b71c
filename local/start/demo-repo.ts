/**
 * The demo repository `demo/hello`: a README, a tiny module and a test that passes (`node test.js`),
 * created on the local forge when missing and onboarded with a verify step that runs the test
 * (strict gating). Both steps are idempotent, so every start converges to the same state.
 *
 * Its tasks always run the `replay` harness with the demo trajectory (blob
 * `trajectories/demo.json`, world-readable: the sandboxed agent reads it as an unprivileged user),
 * which adds a `goodbye()` function and its test, runs the tests and commits — a small, real diff.
 */
import { chmodSync } from 'node:fs';
import path from 'node:path';
import type { HarnessSpec } from '../../schemas/agent/contracts';
import type { Trajectory } from '../../agent/harness/replay';
import type { LocalForge } from '../forge/server';
import { LocalBlobStore } from '../../services/adapters/blob-store/local-blob-store';
import type { EventStore } from '../../services/kernel/event-store';
import { onboardRepo } from '../../services/repos/repo/onboard-repo';
import type { RepoConfigInput } from '../../services/repos/repo/repo-config';
import { ensureDir } from './files';

export const DEMO_OWNER = 'demo';
export const DEMO_NAME = 'hello';
export const DEMO_REPO = `${DEMO_OWNER}/${DEMO_NAME}`;
export const DEMO_TASK = 'Add a goodbye(name) function next to hello(name), with a test.';
const DEMO_TRAJECTORY_KEY = 'trajectories/demo.json';

export const DEMO_FILES: Readonly<Record<string, string>> = {
  'README.md': [
    '# hello',
    '',
    'A tiny repository to try ABCA on one machine (`npm run demo` in the ABCA repository).',
    '',
    '- `hello.js`: greetings',
    '- `test.js`: the tests, run with `node test.js`',
    '',
  ].join('\n'),
  'hello.js': [
    "'use strict';",
    '',
    '/** A greeting for `name`. */',
    'function hello(name) {',
    '  return `Hello, ${name}!`;',
    '}',
    '',
    'module.exports = { hello };',
    '',
  ].join('\n'),
  'test.js': [
    "'use strict';",
    "const assert = require('node:assert/strict');",
    "const greetings = require('./hello');",
    '',
    "assert.equal(greetings.hello('world'), 'Hello, world!');",
    '',
    "console.log('all tests passed');",
    '',
  ].join('\n'),
};

export const DEMO_CONFIG: RepoConfigInput = {
  verify: { build: [], test: ['node test.js'], lint: [], gating: 'strict' },
};

export const DEMO_TRAJECTORY: Trajectory = {
  version: 1,
  steps: [
    { type: 'turn', text: 'I will add goodbye(name) next to hello(name) in hello.js, export it, and test it in test.js.' },
    {
      type: 'edit',
      path: 'hello.js',
      find: 'module.exports = { hello };',
      replace: ['/** A farewell for `name`. */', 'function goodbye(name) {', '  return `Goodbye, ${name}!`;', '}', '', 'module.exports = { hello, goodbye };'].join('\n'),
    },
    {
      type: 'edit',
      path: 'test.js',
      find: "\nconsole.log('all tests passed');",
      replace: "assert.equal(greetings.goodbye('world'), 'Goodbye, world!');\n\nconsole.log('all tests passed');",
    },
    { type: 'turn', text: 'Running the tests.' },
    { type: 'run', command: 'node test.js' },
    { type: 'commit', message: 'Add goodbye(name) with a test' },
  ],
  result: { turns: 2, costUsd: 0 },
};

/** Writes the demo trajectory into the blob store (readable by the sandboxed agent); returns its reference. */
export async function writeDemoTrajectory(blobsDir: string): Promise<string> {
  const blobs = new LocalBlobStore(ensureDir(blobsDir, 0o755));
  ensureDir(path.join(blobsDir, 'trajectories'), 0o755);
  const ref = await blobs.put(DEMO_TRAJECTORY_KEY, `${JSON.stringify(DEMO_TRAJECTORY, null, 2)}\n`, 'application/json');
  chmodSync(blobs.pathOf(DEMO_TRAJECTORY_KEY), 0o644);
  return ref;
}

export interface DemoRepoState {
  readonly created: boolean;
  readonly onboarding: 'onboarded' | 'unchanged';
  readonly cloneUrl: string;
}

/** Creates demo/hello on the forge when missing and onboards it (both idempotent). */
export async function ensureDemoRepo(forge: LocalForge, forgeToken: string, store: EventStore): Promise<DemoRepoState> {
  const probe = await fetch(`${forge.apiUrl}/repos/${DEMO_OWNER}/${DEMO_NAME}`, { headers: { Authorization: `token ${forgeToken}` } });
  await probe.arrayBuffer();
  if (probe.status !== 200 && probe.status !== 404) throw new Error(`the local forge answered ${probe.status} for ${DEMO_REPO}`);
  const created = probe.status === 404;
  if (created) await forge.createRepository(DEMO_OWNER, DEMO_NAME, { files: DEMO_FILES, description: 'The ABCA demo repository (npm run demo)' });
  const result = await onboardRepo(store, DEMO_REPO, DEMO_CONFIG, { causationId: 'npm-start:demo-repo', actor: 'system', now: new Date() });
  return { created, onboarding: result.status === 'noop' ? 'unchanged' : 'onboarded', cloneUrl: forge.cloneUrl(DEMO_OWNER, DEMO_NAME, forgeToken) };
}

/** The harness override of `npm start`: demo/hello always replays the demo trajectory. */
export function demoHarnessFor(demoTrajectoryRef: string): (repo: string) => HarnessSpec | undefined {
  return (repo) => (repo.toLowerCase() === DEMO_REPO ? { type: 'replay', trajectoryRef: demoTrajectoryRef } : undefined);
}

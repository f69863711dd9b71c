/**
 * What an agent can see, asserted from inside its sandbox: a replay step runs a probe in the
 * workspace (as the harness's tools would) and commits its findings; the test reads them from the
 * pushed branch. The platform process holds credentials (AWS keys, an admin key, a GitHub token, a
 * model key) that must not reach any process of the sandbox, and its data must stay out of sight.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { submit } from '../support/platform';
import { cloneBranch, startAgentPlatform, waitTerminal, type AgentE2e } from '../support/agent-e2e';

const SECRETS: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAPLATFORMSECRET01',
  AWS_SECRET_ACCESS_KEY: 'platform-secret-aws-key',
  ABCA_ADMIN_KEY: 'bgak_admin_platform-secret-admin',
  GITHUB_TOKEN: 'ghp_platformsecretgithubtoken',
  ANTHROPIC_API_KEY: 'sk-ant-platform-secret',
};

/** Runs in the sandbox: every process it can see, their environments, and which host paths exist. */
const PROBE = `
const fs = require('fs');
const secrets = JSON.parse(process.argv[2]);
const paths = JSON.parse(process.argv[3]);
const found = [];
let processes = 0;
for (const pid of fs.readdirSync('/proc').filter((p) => /^\\d+$/.test(p))) {
  let env;
  try { env = fs.readFileSync('/proc/' + pid + '/environ', 'latin1'); } catch { continue; }
  processes++;
  for (const s of secrets) if (env.includes(s)) found.push(pid + ':' + s.slice(0, 6));
}
const visible = {};
for (const p of paths) visible[p] = fs.existsSync(p);
console.log(JSON.stringify({ envNames: Object.keys(process.env).sort(), gitTokenInEnv: Object.values(process.env).some((v) => v && v.startsWith('abca_forge_')), processes, found, visible, uid: process.getuid() }));
`;

let e2e: AgentE2e;
const saved: Record<string, string | undefined> = {};

// Host data is out of sight only inside bubblewrap; without it (the local compute then warns and
// runs agents as plain processes) that part is reported as skipped, as in local-compute.test.ts.
const isRoot = process.getuid?.() === 0;
const BWRAP_PROBE = ['--die-with-parent', '--new-session', '--unshare-all', '--share-net', '--cap-drop', 'ALL', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
const hasBwrap = spawnSync('bwrap', [...BWRAP_PROBE, ...(isRoot ? ['--uid', '65534', '--gid', '65534'] : []), '--', 'true']).status === 0;

interface SandboxReport {
  envNames: string[];
  gitTokenInEnv: boolean;
  processes: number;
  found: string[];
  visible: Record<string, boolean>;
  uid: number;
}
let reported: Promise<SandboxReport> | undefined;
/** One task for both tests: its probe's findings, read from the pushed branch. */
function sandboxReport(): Promise<SandboxReport> {
  reported ??= (async () => {
    const { platform } = e2e;
    const { taskId } = await submit(platform, 'peggy', { taskDescription: 'Report the sandbox' });
    const view = await waitTerminal(platform, taskId);
    expect(view.status).toBe('COMPLETED');
    const dir = await cloneBranch(platform, view.branchName);
    try {
      return JSON.parse(readFileSync(path.join(dir, 'sandbox-report.json'), 'utf8')) as SandboxReport;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  return reported;
}

beforeAll(async () => {
  for (const [k, v] of Object.entries(SECRETS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  e2e = await startAgentPlatform((dataDir) => {
    // Host paths the agent must not see: the platform's data (forge repositories, other sessions'
    // workspaces and the compute registry), the project's git folder, root's home, the shadow file.
    const hidden = [path.join(dataDir, 'forge'), path.join(dataDir, 'sessions', 'registry'), path.resolve(__dirname, '..', '..', '.git'), '/root', '/etc/shadow'];
    return [
      { type: 'write', path: 'probe.js', content: PROBE },
      { type: 'run', command: `node probe.js '${JSON.stringify(Object.values(SECRETS))}' '${JSON.stringify(hidden)}' > sandbox-report.json` },
      { type: 'delete', path: 'probe.js' },
      { type: 'commit', message: 'Sandbox report' },
    ];
  });
}, 180_000);

afterAll(async () => {
  await e2e?.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}, 180_000);

test('no process in the sandbox holds a platform credential; the harness has no git token', async () => {
  const report = await sandboxReport();
  expect(report.processes).toBeGreaterThan(1); // it did see the agent runtime's process, at least
  expect(report.found).toEqual([]);
  for (const name of Object.keys(SECRETS)) expect(report.envNames).not.toContain(name);
  expect(report.envNames).not.toContain('ABCA_GIT_TOKEN');
  expect(report.gitTokenInEnv).toBe(false);
  expect(report.uid).not.toBe(0);
}, 120_000);

if (!hasBwrap) {
  test.skip('host data is out of sight: SKIPPED, bwrap is not installed or cannot create namespaces here (apt-get install bubblewrap)', () => undefined);
}

(hasBwrap ? test : test.skip)('host data is out of sight (inside bubblewrap)', async () => {
  const report = await sandboxReport();
  expect(Object.keys(report.visible)).toHaveLength(5);
  expect(Object.entries(report.visible).filter(([, seen]) => seen)).toEqual([]);
}, 120_000);

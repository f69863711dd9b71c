import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrajectory } from '../../agent/harness/replay';
import { withDefaults } from '../../services/repos/repo/repo-config';
import { DEMO_CONFIG, DEMO_FILES, DEMO_REPO, DEMO_TRAJECTORY, demoHarnessFor, writeDemoTrajectory } from './demo-repo';

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'abca-start-demo-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const writeFiles = (dir: string, files: Readonly<Record<string, string>>) => {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
};

describe('the demo repository', () => {
  test('its test passes as seeded, and again after the trajectory edits (which find their text)', () => {
    writeFiles(tmp, DEMO_FILES);
    expect(execFileSync('node', ['test.js'], { cwd: tmp, encoding: 'utf8' })).toContain('all tests passed');
    const trajectory = parseTrajectory(DEMO_TRAJECTORY);
    for (const step of trajectory.steps) {
      if (step.type !== 'edit') continue;
      const file = path.join(tmp, step.path);
      const before = readFileSync(file, 'utf8');
      expect(before).toContain(step.find);
      writeFileSync(file, before.replace(step.find, step.replace));
    }
    expect(execFileSync('node', ['test.js'], { cwd: tmp, encoding: 'utf8' })).toContain('all tests passed');
    expect(readFileSync(path.join(tmp, 'hello.js'), 'utf8')).toContain('function goodbye(name)');
    expect(trajectory.steps.some((s) => s.type === 'commit')).toBe(true);
  });

  test('onboarded with a verify step running the test, strict', () => {
    expect(withDefaults(DEMO_CONFIG).verify).toEqual({ build: [], test: ['node test.js'], lint: [], gating: 'strict' });
  });

  test('the trajectory is a world-readable blob; demo/hello (only) gets the replay harness', async () => {
    const ref = await writeDemoTrajectory(path.join(tmp, 'blobs'));
    const file = fileURLToPath(ref);
    expect(file).toBe(path.join(tmp, 'blobs', 'trajectories', 'demo.json'));
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(DEMO_TRAJECTORY);
    const harnessFor = demoHarnessFor(ref);
    expect(harnessFor(DEMO_REPO)).toEqual({ type: 'replay', trajectoryRef: ref });
    expect(harnessFor('acme/widgets')).toBeUndefined();
  });
});

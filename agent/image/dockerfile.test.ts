/**
 * The agent image without a Docker engine (docker-build.int.test.ts builds it for real where one
 * runs): this test parses agent/image/Dockerfile and checks what matters (the base image, a non-root
 * user, no secrets baked in, git but no bubblewrap, the AgentCore contract: EXPOSE 8080, a /ping
 * health check, the entry point), and it runs the build stage on a temporary copy of exactly what
 * the Dockerfile copies through Dockerfile.dockerignore (testing/stage-build.ts), not on the whole
 * tree: a module the image does not copy fails here as it fails `docker build`.
 */
import { buildSync } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDockerfile, type Stage } from './testing/dockerfile';
import { REPO_ROOT, stageBuild, type StagedBuild } from './testing/stage-build';

const dockerfile = readFileSync(path.join(__dirname, 'Dockerfile'), 'utf8');
const { stages } = parseDockerfile(dockerfile);
const final = stages.at(-1)!;
const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
const one = (stage: Stage, keyword: string) => {
  const found = all(stage, keyword);
  expect(found).toHaveLength(1);
  return found[0]!;
};
/** ENV in both forms: `ENV A=1 B=2` and `ENV A 1`. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of all(stage, 'ENV')) {
    if (ins.args.includes('=')) for (const m of ins.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
    else {
      const [name, ...rest] = ins.args.split(' ');
      env[name!] = rest.join(' ');
    }
  }
  return env;
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_KEY)/i;
const SECRET_VALUE = /(AKIA[0-9A-Z]{16}|sk-ant-|ghp_|github_pat_|xox[bp]-|-----BEGIN)/;

test('the parser sees the stages: build, deps, then the runtime on node:22-slim', () => {
  expect(stages.map((s) => s.name)).toEqual(['build', 'deps', null]);
  for (const s of stages) expect(s.from).toBe('node:22-slim');
});

test('the runtime runs as a non-root user, created in the image', () => {
  const user = one(final, 'USER').args;
  expect(user).not.toMatch(/^(root|0)(:|$)/);
  expect(all(final, 'RUN').some((r) => r.args.includes(`useradd`) && r.args.includes(user.split(':')[0]!))).toBe(true);
  // Nothing runs after USER that would need root.
  const userIndex = final.instructions.findIndex((i) => i.keyword === 'USER');
  expect(final.instructions.slice(userIndex).filter((i) => i.keyword === 'RUN')).toEqual([]);
});

test('no secrets baked in: no secret-looking ENV/ARG names or values anywhere', () => {
  for (const stage of stages) {
    for (const [name, value] of Object.entries(envOf(stage))) {
      expect(name).not.toMatch(SECRET_NAME);
      expect(value).not.toMatch(SECRET_VALUE);
    }
    for (const arg of all(stage, 'ARG')) expect(arg.args).not.toMatch(SECRET_NAME);
  }
  expect(dockerfile).not.toMatch(SECRET_VALUE);
  // No credential files copied in, no build secrets passed as arguments.
  for (const stage of stages) {
    for (const copy of [...all(stage, 'COPY'), ...all(stage, 'ADD')]) expect(copy.args).not.toMatch(/(^|[\s/])(\.env\S*|\.npmrc|\.aws|\.ssh|\.git-credentials)(\s|\/|$)/);
    expect(all(stage, 'ADD')).toEqual([]); // COPY only: no remote URLs, no auto-extraction
  }
});

test('git for the agent, no bubblewrap (the microVM / Fargate task is the sandbox)', () => {
  const installs = all(final, 'RUN').map((r) => r.args).join(' ');
  expect(installs).toMatch(/apt-get install[^&]*\bgit\b/);
  for (const stage of stages) for (const run of all(stage, 'RUN')) expect(run.args).not.toMatch(/bubblewrap|bwrap/);
});

test('AgentCore contract: EXPOSE 8080, PORT 8080, a health check on /ping', () => {
  expect(one(final, 'EXPOSE').args).toBe('8080');
  expect(envOf(final).PORT).toBe('8080');
  const health = one(final, 'HEALTHCHECK').args;
  expect(health).toMatch(/CMD \[/);
  expect(health).toContain('/ping');
});

test('ENTRYPOINT (exec form) runs the bundled entry point under tini; the build bundles it from agent/image/entrypoint.ts', () => {
  const entrypoint = JSON.parse(one(final, 'ENTRYPOINT').args) as string[];
  expect(entrypoint).toEqual(['/usr/bin/tini', '--', 'node', 'dist/entrypoint.js']);
  expect(all(final, 'CMD')).toEqual([]);
  const build = stages.find((s) => s.name === 'build')!;
  const bundling = all(build, 'RUN').map((r) => r.args).join(' ');
  expect(bundling).toContain('esbuild agent/image/entrypoint.ts');
  expect(bundling).toContain('--outfile=dist/entrypoint.js');
  expect(bundling).toContain('esbuild agent/main.ts');
  expect(bundling).toContain('--outfile=dist/agent.js');
  expect(all(final, 'COPY').map((c) => c.args)).toEqual(expect.arrayContaining(['--from=deps /app/node_modules ./node_modules', '--from=build /src/dist ./dist']));
});

test('production dependencies only, and never the host node_modules', () => {
  const deps = stages.find((s) => s.name === 'deps')!;
  expect(all(deps, 'RUN').map((r) => r.args).join(' ')).toMatch(/npm ci --omit=dev/);
  for (const stage of stages) for (const copy of all(stage, 'COPY')) if (!copy.args.startsWith('--from=')) expect(copy.args).not.toMatch(/node_modules|dist/);
});

test('the build context is an allowlist (Dockerfile.dockerignore)', () => {
  const ignore = readFileSync(path.join(__dirname, 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  expect(ignore[0]).toBe('*');
  expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/.env*']));
  // Every path the Dockerfile copies from the context is let in.
  for (const stage of stages) {
    for (const copy of all(stage, 'COPY')) {
      if (copy.args.startsWith('--from=')) continue;
      const sources = copy.args.split(' ').slice(0, -1);
      for (const src of sources) expect(ignore).toContain(`!${src.replace(/\/$/, '')}`);
    }
  }
});

describe('the build stage, staged from exactly what the Dockerfile copies (not the whole tree)', () => {
  let staged: StagedBuild;
  beforeAll(() => {
    staged = stageBuild();
  });
  afterAll(() => staged?.cleanup());

  test("the build context holds only what the COPY lines name: not the platform's services, projections, local/", () => {
    const copied = staged.copies.flatMap((c) => c.sources);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'agent', 'schemas/agent']));
    // Not the rest of the product: the platform's services, projections, local/ stay out.
    for (const absent of ['services/kernel', 'services/tasks', 'services/catalog.ts', 'projections', 'local', 'infra', 'cli', 'schemas/events'])
      expect(existsSync(path.join(staged.context, absent))).toBe(false);
    expect(existsSync(path.join(staged.workdir, 'agent', 'image', 'dockerfile.test.ts'))).toBe(false); // **/*.test.ts is ignored
  });

  test('the RUN lines (npm ci, then esbuild as written) bundle agent/main.ts and the entry point', () => {
    const results = staged.run();
    const failed = results.find((r) => r.status !== 0);
    if (failed) throw new Error(`the build stage fails on a copy of what the Dockerfile copies:\n$ ${failed.command}\n${failed.output}`);
    expect(results.map((r) => r.command).join(' ')).toContain('esbuild agent/main.ts');
    for (const out of ['dist/agent.js', 'dist/entrypoint.js']) expect(existsSync(path.join(staged.workdir, out))).toBe(true);
    expect(readFileSync(path.join(staged.workdir, 'dist/entrypoint.js'), 'utf8')).toContain('/invocations');
  });

  test('every package the bundles load at run time is a production dependency (the runtime stage installs only those)', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(staged.workdir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packagesOf = (out: string) => {
      const text = readFileSync(path.join(staged.workdir, out), 'utf8');
      const packages = [...text.matchAll(/\b(?:require|import)\("([^"./][^"]*)"\)/g)]
        .map((m) => m[1]!)
        .filter((id) => !id.startsWith('node:') && !builtinModules.includes(id))
        .map((id) => (id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!));
      return [...new Set(packages)].sort();
    };
    const agent = packagesOf('dist/agent.js');
    expect(agent).toEqual(expect.arrayContaining(['@aws-sdk/client-kinesis', '@octokit/rest']));
    for (const out of ['dist/agent.js', 'dist/entrypoint.js']) expect(packagesOf(out).filter((p) => !(p in dependencies))).toEqual([]);
  });
});

describe('the staged build catches what bundling from the whole tree missed (the agent importing local/)', () => {
  // The original bug: agent/telemetry/telemetry-publisher.ts imported local/kinesis/…, which the
  // image does not copy; bundling from the whole tree resolved it, so the test never noticed.
  const VIOLATION = "import { kinesisClient as fromLocal } from '../../local/kinesis/kinesalite';\nvoid fromLocal;\n";
  const PUBLISHER = 'agent/telemetry/telemetry-publisher.ts';
  let staged: StagedBuild;
  beforeAll(() => {
    staged = stageBuild({ edit: (workdir) => writeFileSync(path.join(workdir, PUBLISHER), VIOLATION + readFileSync(path.join(workdir, PUBLISHER), 'utf8')) });
  });
  afterAll(() => staged?.cleanup());

  test('from the whole tree the planted import resolves (local/ is there)', () => {
    const contents = VIOLATION + readFileSync(path.join(REPO_ROOT, PUBLISHER), 'utf8');
    const result = buildSync({
      stdin: { contents, resolveDir: path.join(REPO_ROOT, path.dirname(PUBLISHER)), sourcefile: PUBLISHER, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
  });

  test('from the copy of what the Dockerfile copies, the build stage fails on the missing module', () => {
    const results = staged.run();
    const esbuild = results.find((r) => r.command.includes('esbuild agent/main.ts'))!;
    expect(esbuild.status).not.toBe(0);
    expect(esbuild.output).toMatch(/Could not resolve "\.\.\/\.\.\/local\/kinesis\/kinesalite"/);
  });
});

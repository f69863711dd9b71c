/**
 * The agent image cannot be built here (no Docker engine), so this test parses agent/image/Dockerfile
 * and checks what matters: the base image, a non-root user, no secrets baked in, git but no
 * bubblewrap, the AgentCore contract (EXPOSE 8080, a /ping health check), the entry point, and that
 * the files the build bundles do bundle (esbuild, as the build stage runs it).
 */
import { buildSync } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: Instruction[];
}

/** A small Dockerfile parser: comments, line continuations, stages, ARG defaults before FROM. */
function parseDockerfile(text: string): { readonly args: Record<string, string>; readonly stages: Stage[] } {
  const instructions: Instruction[] = [];
  let buffer = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!buffer && (/^\s*#/.test(line) || !line.trim())) return;
    if (!buffer) startLine = i + 1;
    if (/^\s*#/.test(line)) return; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    const full = (buffer + line).trim();
    buffer = '';
    const m = /^(\S+)\s*(.*)$/s.exec(full)!;
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim(), line: startLine });
  });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => globalArgs[a ?? b] ?? '');
      stages.push({ from, name: m[2] ?? null, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [name, value = ''] = ins.args.split('=');
        globalArgs[name!] = value;
      }
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args: globalArgs, stages };
}

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

const bundle = (entry: string) =>
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', target: 'node22', format: 'cjs', packages: 'external', write: false, logLevel: 'silent' });

test('agent/image/entrypoint.ts bundles as the build stage bundles it', () => {
  const result = bundle(path.join(__dirname, 'entrypoint.ts'));
  expect(result.errors).toEqual([]);
  expect(result.outputFiles[0]!.text).toContain('/invocations');
});

const main = path.join(__dirname, '..', 'main.ts');
(existsSync(main) ? test : test.skip)('agent/main.ts bundles as the build stage bundles it (skipped while agent/main.ts does not exist)', () => {
  expect(bundle(main).errors).toEqual([]);
});

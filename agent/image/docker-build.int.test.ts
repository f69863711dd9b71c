/**
 * The agent image, built for real with `docker build` (the host's architecture; AgentCore's
 * linux/arm64 build is the same Dockerfile under buildx), then started: its `/ping` answers.
 * Runs only where a Docker daemon answers `docker info`; elsewhere (a development machine with
 * only the docker client, or none) it is skipped and says why. dockerfile.test.ts checks the same
 * Dockerfile without a daemon.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { REPO_ROOT } from './testing/stage-build';

/** Why Docker cannot build here, or null when a daemon answers. */
function dockerUnavailable(): string | null {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 30_000 });
  if (info.error) return `no docker client (${(info.error as NodeJS.ErrnoException).code ?? info.error.message})`;
  if (info.status !== 0) return `\`docker info\` failed: ${(info.stderr || info.stdout).trim().split('\n').at(-1) ?? `exit ${info.status}`}`;
  return null;
}

const unavailable = dockerUnavailable();
if (unavailable) console.log(`agent/image/docker-build.int.test.ts skipped: no Docker daemon to build the agent image with (${unavailable}).`);

(unavailable ? describe.skip : describe)('docker build -f agent/image/Dockerfile . (a Docker daemon answers)', () => {
  const tag = `abca-agent-test:${randomUUID().slice(0, 8)}`;
  let container: string | undefined;

  afterAll(() => {
    if (container) spawnSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
    spawnSync('docker', ['image', 'rm', '--force', tag], { stdio: 'ignore' });
  });

  test(
    'the image builds from the repository root with its own Dockerfile.dockerignore',
    () => {
      const build = spawnSync('docker', ['build', '--file', 'agent/image/Dockerfile', '--tag', tag, '.'], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, DOCKER_BUILDKIT: '1' },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (build.status !== 0) throw new Error(`docker build failed (exit ${build.status}):\n${(build.stderr || build.stdout).slice(-8000)}`);
      const user = execFileSync('docker', ['image', 'inspect', '--format', '{{.Config.User}}', tag], { encoding: 'utf8' }).trim();
      expect(user).toBe('agent');
    },
    30 * 60_000,
  );

  test(
    'the container serves the AgentCore contract: GET /ping answers Healthy',
    async () => {
      container = execFileSync('docker', ['run', '--detach', '--publish', '127.0.0.1::8080', tag], { encoding: 'utf8' }).trim();
      const port = execFileSync('docker', ['port', container, '8080/tcp'], { encoding: 'utf8' }).trim().split('\n')[0]!.split(':').at(-1)!;
      // Wait for the condition (the server answering), not for a fixed time; jest's timeout bounds it.
      let body: { status?: string } | undefined;
      while (!body) {
        const running = execFileSync('docker', ['inspect', '--format', '{{.State.Running}}', container], { encoding: 'utf8' }).trim();
        if (running !== 'true') throw new Error(`the container stopped:\n${execFileSync('docker', ['logs', container], { encoding: 'utf8' })}`);
        body = await fetch(`http://127.0.0.1:${port}/ping`).then(
          (r) => (r.ok ? (r.json() as Promise<{ status?: string }>) : undefined),
          () => undefined,
        );
        if (!body) await new Promise((r) => setTimeout(r, 200));
      }
      expect(body.status).toBe('Healthy');
    },
    5 * 60_000,
  );
});

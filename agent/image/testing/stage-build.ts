/**
 * The agent image's build stage, staged on disk without Docker, so that a test sees exactly what
 * `docker build -f agent/image/Dockerfile .` would give esbuild and nothing more:
 *
 * 1. the build context: the repository root filtered by Dockerfile.dockerignore, staged by the
 *    CDK's own copy with Docker ignore rules (as `cdk deploy` stages the image asset);
 * 2. the build stage's filesystem: its WORKDIR and each COPY from the context, with Docker's
 *    semantics (a folder's contents go into the destination folder; files go into a destination
 *    ending in `/`, or become it); a source the context lacks fails as `docker build` fails;
 * 3. its RUN lines: `npm ci` is the repository's node_modules, symlinked (same lockfile); every
 *    other RUN (the esbuild bundling) runs as written, with `sh -c` in the WORKDIR.
 *
 * Everything lives in one temporary folder; `cleanup()` removes it (the node_modules symlink goes,
 * its target stays).
 */
import { FileSystem, IgnoreMode } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contextCopies, parseDockerfile, stageNamed, type ContextCopy } from './dockerfile';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface StageBuildOptions {
  /** Default: the repository root. */
  readonly repoRoot?: string;
  /** Relative to repoRoot (default agent/image/Dockerfile); its ignore file sits beside it. */
  readonly dockerfile?: string;
  /** The stage to stage (default build). */
  readonly stage?: string;
  /** Changes the staged filesystem before the RUN lines (e.g. to plant a violation). */
  readonly edit?: (workdir: string) => void;
}

interface RunResult {
  readonly command: string;
  readonly status: number | null;
  readonly output: string;
}

export interface StagedBuild {
  readonly root: string;
  /** The staged build context (what reaches the Docker daemon). */
  readonly context: string;
  /** The stage's WORKDIR inside the staged filesystem. */
  readonly workdir: string;
  /** The COPY instructions that were carried out. */
  readonly copies: readonly ContextCopy[];
  /** Runs the stage's RUN lines in order (npm ci as a symlink); stops at the first failure. */
  run(): RunResult[];
  cleanup(): void;
}

/** The ignore patterns of `<Dockerfile>.dockerignore` (comments and blank lines dropped). */
function ignorePatterns(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function stageBuild(options: StageBuildOptions = {}): StagedBuild {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const dockerfilePath = path.join(repoRoot, options.dockerfile ?? 'agent/image/Dockerfile');
  const stage = stageNamed(parseDockerfile(readFileSync(dockerfilePath, 'utf8')), options.stage ?? 'build');
  const root = mkdtempSync(path.join(os.tmpdir(), 'abca-agent-image-'));
  try {
    const context = path.join(root, 'context');
    const fsRoot = path.join(root, 'fs');
    FileSystem.copyDirectory(repoRoot, context, { exclude: ignorePatterns(`${dockerfilePath}.dockerignore`), ignoreMode: IgnoreMode.DOCKER });

    let workdir = fsRoot;
    const copies: ContextCopy[] = [];
    const runs: string[] = [];
    const inFs = (dest: string) => (path.posix.isAbsolute(dest) ? path.join(fsRoot, dest) : path.join(workdir, dest));
    for (const ins of stage.instructions) {
      if (ins.keyword === 'WORKDIR') {
        workdir = inFs(ins.args);
        mkdirSync(workdir, { recursive: true });
      } else if (ins.keyword === 'COPY' && !/(^|\s)--from=/.test(ins.args)) {
        const [copy] = contextCopies({ ...stage, instructions: [ins] });
        copyFromContext(context, copy!, inFs(copy!.destination));
        copies.push(copy!);
      } else if (ins.keyword === 'RUN') {
        runs.push(ins.args);
      }
    }
    options.edit?.(workdir);
    return {
      root,
      context,
      workdir,
      copies,
      run: () => runStage(runs, workdir, repoRoot),
      cleanup: () => rmSync(root, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

function copyFromContext(context: string, copy: ContextCopy, destination: string): void {
  const intoFolder = copy.destination.endsWith('/') || copy.sources.length > 1;
  for (const source of copy.sources) {
    const from = path.join(context, source);
    if (!existsSync(from))
      throw new Error(`COPY ${source} (Dockerfile line ${copy.line}): not in the build context (missing, or not let in by Dockerfile.dockerignore)`);
    if (statSync(from).isDirectory()) cpSync(from, destination, { recursive: true });
    else {
      const to = intoFolder ? path.join(destination, path.basename(source)) : destination;
      mkdirSync(path.dirname(to), { recursive: true });
      cpSync(from, to);
    }
  }
}

function runStage(runs: readonly string[], workdir: string, repoRoot: string): RunResult[] {
  const results: RunResult[] = [];
  for (const command of runs) {
    if (/^npm ci\b/.test(command)) {
      // The same lockfile, already installed: the repository's node_modules stands in for `npm ci`.
      const link = path.join(workdir, 'node_modules');
      if (!existsSync(link)) symlinkSync(path.join(repoRoot, 'node_modules'), link, 'dir');
      results.push({ command, status: 0, output: '(the repository node_modules, symlinked)' });
      continue;
    }
    const run = spawnSync('sh', ['-c', command], { cwd: workdir, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' }, timeout: 120_000 });
    results.push({ command, status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}` });
    if (run.status !== 0) break;
  }
  return results;
}

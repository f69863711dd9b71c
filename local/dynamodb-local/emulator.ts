/**
 * Where the DynamoDB Local jar comes from. The official jar (1.25) ships inside the npm package
 * `amplify-dynamodb-simulator`; we do not depend on that package because its JavaScript wrapper
 * drags in ~350 MB of CLI dependencies. Instead we `npm pack` the exact version once, check its
 * integrity ourselves, and keep only its `emulator/` folder in the repository's node_modules cache.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PACKAGE = 'amplify-dynamodb-simulator';
const VERSION = '2.9.30';
/** The registry's integrity for 2.9.30; checked by hashing the tarball, never taken from npm. */
const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
export const JAR = 'DynamoDBLocal.jar';
export const NATIVE_LIBS = 'DynamoDBLocal_lib';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'abca', `dynamodb-local-${VERSION}`);
/** Temp folders left behind by a crash are swept once they are this old (a live fetch is younger). */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface EnsureEmulatorOptions {
  readonly log?: (msg: string) => void;
}

/** Path of a folder holding `DynamoDBLocal.jar` and `DynamoDBLocal_lib/`, fetched on first use. */
export async function ensureEmulator(opts: EnsureEmulatorOptions = {}): Promise<string> {
  const override = process.env.ABCA_DYNAMODB_LOCAL_DIR;
  if (override) {
    const dir = path.resolve(override);
    if (!existsSync(path.join(dir, JAR))) {
      throw new Error(`ABCA_DYNAMODB_LOCAL_DIR=${override} does not contain ${JAR}; point it at a DynamoDB Local folder or unset it.`);
    }
    return dir;
  }
  const target = path.join(CACHE_DIR, 'emulator');
  if (existsSync(path.join(target, JAR))) return target;
  await fetchInto(target, opts.log ?? (() => undefined));
  return target;
}

async function fetchInto(target: string, log: (msg: string) => void): Promise<void> {
  await mkdir(CACHE_DIR, { recursive: true });
  await sweepStaleTemps();
  // The temp folder sits next to the target so the final rename stays on one file system (atomic).
  const tmp = await mkdtemp(path.join(CACHE_DIR, '.tmp-'));
  try {
    log(`Fetching DynamoDB Local 1.25 (56 MB) from the npm registry (${PACKAGE}@${VERSION})…`);
    const tarball = await npmPack(tmp);
    const actual = await sha512Integrity(tarball);
    if (actual !== INTEGRITY) {
      throw new Error(`Integrity mismatch for ${PACKAGE}@${VERSION}: expected ${INTEGRITY}, got ${actual}. Refusing to use it.`);
    }
    const extracted = path.join(tmp, 'x');
    await mkdir(extracted);
    await run('tar', ['-xzf', tarball, '-C', extracted, 'package/emulator']);
    await rm(tarball, { force: true });
    if (!existsSync(path.join(extracted, 'package', 'emulator', JAR))) {
      throw new Error(`${PACKAGE}@${VERSION} has no package/emulator/${JAR}.`);
    }
    try {
      await rename(path.join(extracted, 'package', 'emulator'), target);
    } catch (err) {
      // A concurrent caller renamed its copy first: theirs is complete, so use it.
      if (!existsSync(path.join(target, JAR))) throw err;
    }
    log(`DynamoDB Local cached in ${path.relative(REPO_ROOT, target)}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** `npm pack <pkg>@<version>` into `dir`; returns the tarball's path. */
async function npmPack(dir: string): Promise<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { stdout } = await run(npm, ['pack', `${PACKAGE}@${VERSION}`, '--pack-destination', dir, '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`npm pack ${PACKAGE}@${VERSION} failed (is the npm registry reachable?): ${err.stderr?.trim() || err.message}`);
  });
  // npm's JSON names the file; fall back to the only .tgz in case the output shape changes.
  let filename: string | undefined;
  try {
    filename = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename?: string }>)[0]?.filename;
  } catch {
    filename = undefined;
  }
  filename ??= (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!filename || !existsSync(path.join(dir, filename))) throw new Error(`npm pack ${PACKAGE}@${VERSION} produced no tarball in ${dir}`);
  return path.join(dir, filename);
}

/** The SRI string (`sha512-<base64>`) of a file, as the npm registry records it. */
export async function sha512Integrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

async function sweepStaleTemps(): Promise<void> {
  for (const name of await readdir(CACHE_DIR)) {
    if (!name.startsWith('.tmp-')) continue;
    const full = path.join(CACHE_DIR, name);
    const info = await stat(full).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_TEMP_MS) await rm(full, { recursive: true, force: true });
  }
}

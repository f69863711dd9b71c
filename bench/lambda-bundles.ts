/**
 * The Lambda functions of the CDK app and their bundles, made the way the app makes them: every
 * platform function the stack declares (infra/constructs/platform-function.ts) with its entry file
 * and environment, bundled with esbuild as NodejsFunction does with the app's settings (platform
 * node, target node22, CommonJS, bundle, minify, external source map without sources content, no
 * external modules), plus a metafile. Used by `npm run bench:bundles` and by the bundle tests.
 *
 * `root` is the repository whose app is read and bundled (default: this one), so the same code can
 * measure another checkout (e.g. a `git worktree` of an earlier commit).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';

export const REPO_ROOT = path.resolve(__dirname, '..');

export interface LambdaFunction {
  /** POWERTOOLS_SERVICE_NAME of the function (its catalog name for catalog services). */
  readonly name: string;
  /** Entry file relative to the repository root. */
  readonly entry: string;
  /** Its environment as deployed, CloudFormation references replaced by stand-in values. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface LambdaBundle {
  readonly fn: LambdaFunction;
  /** The bundled index.js. */
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
  /** Files with code in the bundle, relative to the repository root ("node_modules/..." for packages). */
  readonly inputs: readonly string[];
}

/** Stand-ins for references whose value has a format the adapters check (as infra/test/platform.ts). */
const STAND_IN: Record<string, string> = { ABCA_USER_POOL_ID: 'us-east-1_StandIn01' };

/**
 * Every platform function of the CDK app in `root`, read from the stack (stubbed code: nothing is
 * bundled here); the default context adds one Blueprint, so its custom resource's function is there. Runs the app's own modules, so it needs `root`'s sources (TypeScript through tsx or
 * jest's transform).
 */
export function lambdaFunctions(root = REPO_ROOT, context: Record<string, unknown> = { blueprints: [{ repo: 'acme/app' }] }): LambdaFunction[] {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const cdk = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { createApp } = require(path.join(root, 'infra', 'app')) as typeof import('../infra/app');
  const pf = require(path.join(root, 'infra', 'constructs', 'platform-function')) as typeof import('../infra/constructs/platform-function');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new cdk.App({ context: { ...cdkJson.context, [pf.STUB_CODE_CONTEXT]: true, ...context } });
  const { stack } = createApp(app);
  const out: LambdaFunction[] = [];
  for (const fn of stack.node.findAll().filter(pf.isPlatformFunction)) {
    const variables = stack.resolve((fn.node.defaultChild as import('aws-cdk-lib/aws-lambda').CfnFunction).environment).variables as Record<string, unknown>;
    const environment = Object.fromEntries(
      Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : (STAND_IN[k] ?? `stand-in-${k.toLowerCase().replace(/_/g, '-')}`)]),
    );
    out.push({ name: environment.POWERTOOLS_SERVICE_NAME ?? pf.entryOf(fn)!, entry: pf.entryOf(fn)!, environment });
  }
  return out;
}

/** Bundles one function's entry into `outDir/<name>/index.js` (+ index.js.map), as the CDK app would. */
export async function bundleFunction(fn: LambdaFunction, outDir: string, root = REPO_ROOT): Promise<LambdaBundle> {
  const dir = path.join(outDir, fn.name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.js');
  const result = await build({
    entryPoints: [path.join(root, fn.entry)],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile: file,
    metafile: true,
    logLevel: 'silent',
  });
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(result.metafile));
  // What esbuild put in the bundle (the metafile's inputs also list what it parsed and then shook out).
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined)!;
  const inputs = Object.entries(output.inputs)
    .filter(([, info]) => info.bytesInOutput > 0)
    .map(([input]) => normalizeInput(input, root));
  return { fn, file, bytes: statSync(file).size, metafile: result.metafile, inputs };
}

/** A metafile input relative to the repository root; packages as `node_modules/<package>/...` wherever they resolved. */
function normalizeInput(input: string, root: string): string {
  const abs = path.resolve(root, input);
  const nm = abs.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (nm >= 0) return abs.slice(nm + 1).split(path.sep).join('/');
  return path.relative(root, abs).split(path.sep).join('/');
}

/** The npm packages a bundle contains (`@scope/name` or `name`). */
export function packagesOf(bundle: Pick<LambdaBundle, 'inputs'>): Set<string> {
  const packages = new Set<string>();
  for (const input of bundle.inputs) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.add(m[1]!);
  }
  return packages;
}

/**
 * How long `require(bundle)` takes in a fresh `node` process with the function's environment,
 * measured inside the child with process.hrtime (so process start-up is not counted), in ms.
 */
export function coldImportMs(bundle: Pick<LambdaBundle, 'file' | 'fn'>): number {
  const script = [
    'const t0 = process.hrtime.bigint();',
    `require(${JSON.stringify(bundle.file)});`,
    'const t1 = process.hrtime.bigint();',
    'process.stdout.write(String(Number(t1 - t0) / 1e6));',
  ].join('\n');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', ...bundle.fn.environment };
  const out = execFileSync(process.execPath, ['-e', script], { env, cwd: path.dirname(bundle.file), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Number(out.trim());
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * bench:bundles — every Lambda function of the CDK app, bundled as the app bundles it
 * (bench/lambda-bundles.ts): its size, its module count, and its cold import (the time to `require`
 * the bundle in a fresh `node` process with the function's environment, measured inside the child;
 * the median of --runs runs). One line per figure and function, the largest bundle first, then the
 * summary:
 *
 *   bundle_kb.<name>: N
 *   modules.<name>: N
 *   cold_import_ms.<name>: N
 *   ...
 *   largest_bundle_kb: N
 *   median_bundle_kb: N
 *   median_cold_import_ms: N
 *
 *   npm run bench:bundles -- [--runs 5] [--root <checkout>] [--out <dir>]
 * --root measures another checkout of the repository (e.g. `git worktree add /tmp/before <commit>`
 * with its node_modules linked); progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleFunction, coldImportMs, lambdaFunctions, median, REPO_ROOT, type LambdaBundle } from './lambda-bundles';

const log = (msg: string) => process.stderr.write(`[bench:bundles] ${msg}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, root: { type: 'string' }, out: { type: 'string' } } });
  const runs = Math.max(1, Number(values.runs));
  const root = path.resolve(values.root ?? REPO_ROOT);
  const outDir = values.out ? path.resolve(values.out) : mkdtempSync(path.join(os.tmpdir(), 'abca-bundles-'));

  const functions = lambdaFunctions(root);
  log(`${functions.length} functions in the CDK app of ${root}`);
  const results: Array<{ bundle: LambdaBundle; coldMs: number }> = [];
  for (const fn of functions) {
    const bundle = await bundleFunction(fn, outDir, root);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(coldImportMs(bundle));
    results.push({ bundle, coldMs: median(times) });
    log(`${fn.name} (${fn.entry}): ${round(bundle.bytes / 1024)} KB, ${bundle.inputs.length} modules, cold import ${round(median(times))} ms`);
  }

  results.sort((a, b) => b.bundle.bytes - a.bundle.bytes);
  for (const { bundle, coldMs } of results) {
    const name = bundle.fn.name;
    console.log(`bundle_kb.${name}: ${round(bundle.bytes / 1024)}`);
    console.log(`modules.${name}: ${bundle.inputs.length}`);
    console.log(`cold_import_ms.${name}: ${round(coldMs)}`);
  }
  console.log(`largest_bundle_kb: ${round(results[0]!.bundle.bytes / 1024)}`);
  console.log(`median_bundle_kb: ${round(median(results.map((r) => r.bundle.bytes)) / 1024)}`);
  console.log(`median_cold_import_ms: ${round(median(results.map((r) => r.coldMs)))}`);
  if (!values.out) rmSync(outDir, { recursive: true, force: true });
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});

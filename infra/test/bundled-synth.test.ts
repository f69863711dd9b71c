/**
 * The real synthesis, as `cdk synth` does it: every function bundled by the local esbuild (no
 * Docker), cdk-nag passing. Each bundle is then loaded as Lambda would load it (plain Node, no
 * TypeScript, no node_modules): it must start with a stand-in environment and export `handler`.
 * The other infra tests stub the code (abca:stubLambdaCode) to stay fast. CDK's built-in
 * CloudFormation rule check (~20 s) is left to `npx cdk synth` (infra/test/platform.ts turns it off).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { entryOf, isPlatformFunction } from '../constructs/platform-function';
import { platformApp, standInEnvironment } from './platform';

const outdir = mkdtempSync(path.join(os.tmpdir(), 'abca-cdk-out-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

test('every function is bundled locally, and every bundle loads in plain Node and exports handler', () => {
  const { app, stack } = platformApp({ agentImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/abca-agent:v1', blueprints: [{ repo: 'acme/app' }] }, { stubCode: false, outdir });
  const assembly = app.synth(); // cdk-nag is a plugin of the app: a finding throws here
  const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  const functions = stack.node.findAll().filter(isPlatformFunction);
  expect(functions.length).toBeGreaterThanOrEqual(16);
  const bundles = functions.map((fn) => {
    const resource = template.Resources[stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)]!;
    expect(resource.Properties.Handler).toBe('index.handler');
    // The code's S3 key is `<asset hash>.zip`; the assembly keeps the bundle in `asset.<hash>/`.
    const { S3Key } = resource.Properties.Code as { S3Key: string };
    const dir = path.join(outdir, `asset.${S3Key.replace(/\.zip$/, '')}`);
    expect([entryOf(fn), existsSync(path.join(dir, 'index.js'))]).toEqual([entryOf(fn), true]);
    return { entry: entryOf(fn)!, dir, env: standInEnvironment(stack, fn) };
  });
  // One fresh Node process outside the repository (nothing of it can leak in), each bundle loaded
  // with its own environment, as its Lambda would load it.
  const script = `
    const base = { PATH: process.env.PATH, AWS_REGION: 'us-east-1' };
    const out = {};
    for (const b of JSON.parse(process.argv[1])) {
      process.env = { ...base, ...b.env };
      try { out[b.entry] = typeof require(b.dir + '/index.js').handler; } catch (err) { out[b.entry] = 'failed: ' + err.message; }
    }
    process.stdout.write(JSON.stringify(out));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script, JSON.stringify(bundles)], { cwd: os.tmpdir(), env: { PATH: process.env.PATH! }, encoding: 'utf8' })) as Record<string, string>;
  expect(loaded).toEqual(Object.fromEntries(bundles.map((b) => [b.entry, 'function'])));
}, 240_000);


/**
 * One Lambda bundle per handler, tree-shaken: each catalog service's bundle (made as the CDK app
 * makes it) holds its own service and the SDK clients of its ports, and nothing of the services it
 * does not run. Checked on the bundles' metafiles (what esbuild put in), never on sizes or timings.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capabilitiesOfEntry, QUEUE_ENTRIES, type Capability, type QueueEntry } from '../services/catalog';
import { bundleFunction, lambdaFunctions, packagesOf, type LambdaBundle, type LambdaFunction } from './lambda-bundles';

/** The packages that only a capability's adapters bring (DynamoDB is every function's). */
const PACKAGES_OF: Record<Capability, readonly string[]> = {
  bus: ['@aws-sdk/client-eventbridge'],
  compute: ['@aws-sdk/client-ecs', '@aws-sdk/client-bedrock-agentcore'],
  scheduler: ['@aws-sdk/client-scheduler'],
  // The token is read through Powertools Parameters (services/cloud/ports/secrets.ts): only git's functions hold it.
  git: ['@aws-sdk/client-secrets-manager', '@aws-lambda-powertools/parameters', '@octokit/rest'],
  blobs: ['@aws-sdk/client-s3'],
  memory: [],
  screening: ['@aws-sdk/client-bedrock-runtime'],
};
/** A module that only a capability's adapter brings. */
const MODULE_OF: Partial<Record<Capability, string>> = { memory: 'services/adapters/memory/dynamo-memory-store.ts' };

let outDir: string;
let functions: LambdaFunction[];
const bundles = new Map<string, LambdaBundle>();

beforeAll(async () => {
  outDir = mkdtempSync(path.join(os.tmpdir(), 'abca-bundles-test-'));
  functions = lambdaFunctions();
  for (const entry of QUEUE_ENTRIES) {
    const fn = functions.find((f) => f.entry === entry.lambdaEntry);
    if (fn) bundles.set(entry.name, await bundleFunction(fn, outDir));
  }
}, 240_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const bundleOf = (entry: Pick<QueueEntry, 'name'>): LambdaBundle => {
  const bundle = bundles.get(entry.name);
  if (!bundle) throw new Error(`no bundle for ${entry.name}: is its lambdaEntry a function of the CDK app?`);
  return bundle;
};
const under = (bundle: LambdaBundle, folder: string) => bundle.inputs.filter((input) => input.startsWith(folder));

test('the admission bundle holds no other service and no compute client', () => {
  const admission = bundleOf({ name: 'admission' });
  expect(under(admission, 'services/users/admission/').length).toBeGreaterThan(0);
  // The Task decider strips invisible characters with hydration's sanitizer; nothing else of hydration.
  expect(under(admission, 'services/tasks/hydration/')).toEqual(['services/tasks/hydration/sanitize.ts']);
  expect(under(admission, 'services/tasks/session/')).toEqual([]);
  expect(under(admission, 'services/tasks/watchdog/')).toEqual([]);
  expect(under(admission, 'projections/task-view/')).toEqual([]);
  expect([...packagesOf(admission)]).not.toContain('@aws-sdk/client-ecs');
});

test('a projection bundle holds its own projection and no service', () => {
  const taskView = bundleOf({ name: 'task-view' });
  expect(under(taskView, 'projections/task-view/').length).toBeGreaterThan(0);
  expect(under(taskView, 'projections/credentials-view/')).toEqual([]);
  expect(under(taskView, 'projections/concurrency-view/')).toEqual([]);
  expect(under(taskView, 'services/tasks/hydration/')).toEqual([]);
  expect(under(taskView, 'services/users/admission/')).toEqual([]);
});

describe.each(QUEUE_ENTRIES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
  test('its bundle never holds the whole catalog', () => {
    expect(bundleOf(entry).inputs).not.toContain('services/catalog.ts');
    expect(bundleOf(entry).inputs).toContain(entry.lambdaEntry);
  });

  test('its bundle holds the SDK clients of its ports, and no other', () => {
    const packages = packagesOf(bundleOf(entry));
    const capabilities = new Set(capabilitiesOfEntry(entry));
    for (const [capability, names] of Object.entries(PACKAGES_OF) as Array<[Capability, readonly string[]]>) {
      for (const name of names) expect([capability, name, packages.has(name)]).toEqual([capability, name, capabilities.has(capability)]);
    }
    for (const [capability, module] of Object.entries(MODULE_OF) as Array<[Capability, string]>) {
      expect([capability, bundleOf(entry).inputs.includes(module)]).toEqual([capability, capabilities.has(capability)]);
    }
  });

  test('its bundle holds Powertools Tracer (every handler is traced: services/cloud/instrument.ts)', () => {
    expect(packagesOf(bundleOf(entry)).has('@aws-lambda-powertools/tracer')).toBe(true);
  });
});

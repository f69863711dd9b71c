/**
 * The dependency rules (dependency-rules.ts) on the real tree, and on deliberate violations: a
 * synthetic graph per rule, and a temporary repository whose files break every rule, parsed and
 * resolved like the real one. Runs in `npm test` (unit project).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildStageSources } from '../../agent/image/testing/dockerfile';
import { buildImportGraph, type ImportEdge, type ImportGraph } from './import-graph';
import { checkDependencies, formatViolations, isTestCode, type RuleId } from './dependency-rules';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

describe('the repository', () => {
  const graph = buildImportGraph(REPO_ROOT);
  const agentImageCopies = buildStageSources();

  test('keeps every dependency rule', () => {
    const violations = checkDependencies(graph, { agentImageCopies });
    if (violations.length > 0) throw new Error(`${violations.length} dependency rule violation(s):\n\n${formatViolations(violations)}`);
  });

  test('the graph is the real one: every source file, and the imports the rules are about', () => {
    expect(graph.files.length).toBeGreaterThan(300);
    for (const dir of ['agent/', 'services/', 'projections/', 'schemas/', 'infra/', 'cli/', 'local/', 'test/']) expect(graph.files.some((f) => f.startsWith(dir))).toBe(true);
    const edge = (from: string, to: string) => graph.edges.some((e) => e.from === from && e.to === to);
    // A static import, a lazy require() and an import from schemas/agent, each resolved to its file.
    expect(edge('agent/telemetry/telemetry-publisher.ts', 'services/adapters/aws/kinesis-client.ts')).toBe(true);
    expect(edge('agent/wiring.ts', 'services/adapters/secrets/secrets-manager-reader.ts')).toBe(true);
    expect(edge('services/tasks/session-monitor/telemetry-record.ts', 'schemas/agent/contracts.ts')).toBe(true);
    // Tests may use the emulators.
    expect(graph.edges.some((e) => isTestCode(e.from) && e.to?.startsWith('local/') && !e.from.startsWith('local/'))).toBe(true);
    // Every relative import of production code resolves (the rules see every edge they judge).
    expect(graph.edges.filter((e) => e.to === null && !isTestCode(e.from))).toEqual([]);
  });

  test('the agent image copies are read from the Dockerfile: the agent, its contracts, no whole services/', () => {
    expect(agentImageCopies).toEqual(expect.arrayContaining(['agent', 'schemas/agent']));
    expect(agentImageCopies).not.toContain('services');
    expect(agentImageCopies).not.toContain('schemas');
  });
});

test('test code is *.test.ts, anything under test/ or testing/, and bench/', () => {
  for (const f of ['agent/main.test.ts', 'services/kernel/x.int.test.ts', 'test/support/dynamo.ts', 'infra/test/platform.ts', 'local/forge/testing/test-forge.ts', 'bench/store.bench.ts'])
    expect(isTestCode(f)).toBe(true);
  for (const f of ['agent/main.ts', 'services/adapters/git/test-git-provider.ts', 'local/platform/platform.ts', 'cli/bin/bgagent.ts', 'services/latest.ts'])
    expect(isTestCode(f)).toBe(false);
});

/** A graph from `from → to` pairs (every file named becomes a file of the graph). */
function graphOf(...pairs: Array<[string, string]>): ImportGraph {
  const edges: ImportEdge[] = pairs.map(([from, to], i) => ({ from, to, specifier: `./${path.basename(to, '.ts')}`, line: i + 1 }));
  return { files: [...new Set(pairs.flat())].sort(), edges };
}
const COPIES = ['package.json', 'agent', 'schemas/agent', 'services/adapters/s3'];
const rulesBroken = (graph: ImportGraph) => checkDependencies(graph, { agentImageCopies: COPIES }).map((v) => `${v.rule}: ${v.from} → ${v.to}`);

describe('each rule, on a synthetic graph', () => {
  const cases: Array<[string, Array<[string, string]>, string[]]> = [
    ['product code importing an emulator', [['services/publisher/republish.cli.ts', 'local/dynamodb-local/client.ts']], ['product-imports-no-local: services/publisher/republish.cli.ts → local/dynamodb-local/client.ts']],
    ['a CLI importing the embedded platform', [['cli/main.ts', 'local/platform/platform.ts']], ['product-imports-no-local: cli/main.ts → local/platform/platform.ts']],
    ['production code importing a testing/ folder', [['services/tasks/session/start-session.ts', 'services/kernel/testing/sample-events.ts']], ['production-imports-no-test-code: services/tasks/session/start-session.ts → services/kernel/testing/sample-events.ts']],
    ['local/ production code importing a test helper', [['local/platform/platform.ts', 'local/forge/testing/test-forge.ts']], ['production-imports-no-test-code: local/platform/platform.ts → local/forge/testing/test-forge.ts']],
    ['production code importing a test file', [['projections/tables.ts', 'projections/tables.test.ts']], ['production-imports-no-test-code: projections/tables.ts → projections/tables.test.ts']],
    ['production code importing test/ support', [['infra/app.ts', 'test/support/dynamo.ts']], ['production-imports-no-test-code: infra/app.ts → test/support/dynamo.ts']],
    ['the agent reading a view', [['agent/runtime/run.ts', 'projections/task-view/task-view.ts']], [
      'agent-image-copies-its-imports: agent/runtime/run.ts → projections/task-view/task-view.ts',
      'agent-imports-no-projections: agent/runtime/run.ts → projections/task-view/task-view.ts',
    ]],
    ['services importing the agent', [['services/tasks/session-monitor/telemetry-record.ts', 'agent/contracts.ts']], ['platform-imports-no-agent: services/tasks/session-monitor/telemetry-record.ts → agent/contracts.ts']],
    ['projections importing the agent', [['projections/progress-view/progress-view.ts', 'agent/contracts.ts']], ['platform-imports-no-agent: projections/progress-view/progress-view.ts → agent/contracts.ts']],
    ['the original bug: the agent importing local/', [['agent/telemetry/telemetry-publisher.ts', 'local/kinesis/client.ts']], [
      'agent-image-copies-its-imports: agent/telemetry/telemetry-publisher.ts → local/kinesis/client.ts',
      'product-imports-no-local: agent/telemetry/telemetry-publisher.ts → local/kinesis/client.ts',
    ]],
    ['the agent importing services/ the image does not copy', [['agent/wiring.ts', 'services/kernel/envelope.ts']], ['agent-image-copies-its-imports: agent/wiring.ts → services/kernel/envelope.ts']],
    ['a copied module importing one that is not copied (found hop by hop)', [['agent/wiring.ts', 'services/adapters/s3/s3-ref.ts'], ['services/adapters/s3/s3-ref.ts', 'services/adapters/blob-store/blob-key.ts']], [
      'agent-image-copies-its-imports: services/adapters/s3/s3-ref.ts → services/adapters/blob-store/blob-key.ts',
    ]],
  ];
  test.each(cases)('%s is a violation', (_, pairs, expected) => {
    expect(rulesBroken(graphOf(...pairs)).sort()).toEqual([...expected].sort());
  });

  test('what the rules allow', () => {
    const allowed = graphOf(
      ['services/kernel/consumer.int.test.ts', 'local/eventbridge/lambda-context.ts'], // tests use the emulators
      ['agent/forge.test.ts', 'local/forge/testing/test-forge.ts'],
      ['services/adapters/git/octokit-git-provider.test.ts', 'agent/contracts.ts'], // tests cross sides
      ['local/platform/platform.ts', 'services/catalog.ts'], // the embedded platform wires the product
      ['local/platform/agent-compute.ts', 'agent/main.ts'],
      ['services/tasks/session-monitor/telemetry-record.ts', 'schemas/agent/contracts.ts'], // the published contracts
      ['agent/contracts.ts', 'schemas/agent/contracts.ts'],
      ['agent/wiring.ts', 'services/adapters/s3/s3-client.ts'], // copied by the image
      ['services/kernel/testing/given-when-then.ts', 'services/kernel/testing/sample-events.ts'], // test code among itself
      ['bench/pipeline.bench.ts', 'local/platform/platform.ts'],
    );
    expect(rulesBroken(allowed)).toEqual([]);
  });

  test('a violation reads: file:line → imported file (specifier), the rule, what to do', () => {
    const [violation] = checkDependencies(graphOf(['agent/telemetry/telemetry-publisher.ts', 'local/kinesis/client.ts']), { agentImageCopies: COPIES });
    const text = formatViolations([violation!]);
    expect(text).toContain("agent/telemetry/telemetry-publisher.ts:1 → local/kinesis/client.ts ('./client')");
    expect(text).toContain('[agent-image-copies-its-imports]');
    expect(text).toContain('does not copy local/kinesis/client.ts');
    expect(text).toMatch(/add a COPY line/);
  });
});

describe('a temporary repository that breaks every rule, parsed and resolved like the real one', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'abca-dependency-rules-'));
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node', resolveJsonModule: true } }));
    write('local/kinesis/client.ts', 'export const kinesisClient = () => 1;\n');
    write('local/forge/testing/test-forge.ts', 'export const forge = 1;\n');
    write('projections/view.ts', 'export const view = 1;\n');
    write('agent/contracts.ts', 'export interface Payload { readonly id: string }\n');
    write('schemas/agent/contracts.ts', 'export interface Shared { readonly id: string }\n');
    write('services/kernel/envelope.ts', 'export const envelope = 1;\n');
    // The agent: the original bug (a lazy require of local/), a view, and services/ the image does not copy.
    write('agent/telemetry/publisher.ts', "import type { Shared } from '../../schemas/agent/contracts';\nexport const client = () => require('../../local/kinesis/client');\nexport type S = Shared;\n");
    write('agent/runtime/run.ts', "import { view } from '../../projections/view';\nimport { envelope } from '../../services/kernel/envelope';\nexport const x = view + envelope;\n");
    // The platform importing the agent's internals, and test code.
    write('services/monitor.ts', "import type { Payload } from '../agent/contracts';\nexport type P = Payload;\n");
    write('local/platform/platform.ts', "export { forge } from '../forge/testing/test-forge';\n");
    // Allowed: a test using the emulator.
    write('services/monitor.test.ts', "import { kinesisClient } from '../local/kinesis/client';\ntest('x', () => expect(kinesisClient()).toBe(1));\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test('every violation is found, at its line, with a readable message', () => {
    const graph = buildImportGraph(root);
    const violations = checkDependencies(graph, { agentImageCopies: ['agent', 'schemas/agent'] });
    const found = violations.map((v) => `${v.rule}: ${v.from}:${v.line} → ${v.to}`);
    expect(found.sort()).toEqual(
      [
        'agent-image-copies-its-imports: agent/runtime/run.ts:1 → projections/view.ts',
        'agent-image-copies-its-imports: agent/runtime/run.ts:2 → services/kernel/envelope.ts',
        'agent-image-copies-its-imports: agent/telemetry/publisher.ts:2 → local/kinesis/client.ts',
        'agent-imports-no-projections: agent/runtime/run.ts:1 → projections/view.ts',
        'platform-imports-no-agent: services/monitor.ts:1 → agent/contracts.ts',
        'product-imports-no-local: agent/telemetry/publisher.ts:2 → local/kinesis/client.ts',
        'production-imports-no-test-code: local/platform/platform.ts:1 → local/forge/testing/test-forge.ts',
      ].sort(),
    );
    const rules = new Set<RuleId>(violations.map((v) => v.rule));
    expect(rules.size).toBe(5); // every rule fires
    expect(formatViolations(violations)).toContain("agent/telemetry/publisher.ts:2 → local/kinesis/client.ts ('../../local/kinesis/client')");
  });
});

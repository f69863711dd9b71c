/**
 * The repository's dependency rules, checked over its import graph (import-graph.ts) by
 * dependency-rules.test.ts, which runs in `npm test`. Pure functions over relative paths, so each
 * rule is unit-tested on synthetic graphs too.
 *
 * Production code is every file that is not a test (`*.test.ts`), not under a `test/` or `testing/`
 * folder and not under `bench/`. Test code may import anything (adapters are tested against the
 * local emulators); the rules constrain production code:
 *
 * - product-imports-no-local: the product folders never import `local/` (the one-machine
 *   stand-ins for AWS and GitHub, and the embedded platform's wiring).
 * - production-imports-no-test-code: no production file, anywhere (`local/` included), imports a
 *   test, a `testing/` or `test/` folder, or `bench/`.
 * - agent-imports-no-projections: the agent (it runs in the compute) never reads the platform's views.
 * - platform-imports-no-agent: the platform's folders import nothing from `agent/`; what both
 *   sides share is published in `schemas/agent/` (the session payload, telemetry records, inbox
 *   nudges).
 * - agent-image-copies-its-imports: everything the agent's production files import, directly or
 *   not, lies inside what `agent/image/Dockerfile` copies into its build stage; anything else is
 *   a missing module when the image is built.
 */
import type { ImportEdge, ImportGraph } from './import-graph';

const PRODUCT_FOLDERS = ['schemas', 'services', 'projections', 'agent', 'infra', 'cli'] as const;
/** Folders of the platform (everything of the product that is not the agent). */
const PLATFORM_FOLDERS = ['schemas', 'services', 'projections', 'infra', 'cli'] as const;

export type RuleId =
  | 'product-imports-no-local'
  | 'production-imports-no-test-code'
  | 'agent-imports-no-projections'
  | 'platform-imports-no-agent'
  | 'agent-image-copies-its-imports';

export interface Violation {
  readonly rule: RuleId;
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
  readonly line: number;
  /** What is wrong and what to do, in a sentence or two. */
  readonly message: string;
}

export interface RuleOptions {
  /**
   * What the agent image's build stage copies from the build context (files and folders, relative
   * to the repository root), read from the Dockerfile's COPY lines.
   */
  readonly agentImageCopies: readonly string[];
  /** Where the copies are declared, for messages (default agent/image/Dockerfile). */
  readonly dockerfile?: string;
}

const segments = (file: string) => file.split('/');
const topFolder = (file: string): string => segments(file)[0]!;

/** Test code: a `*.test.ts` file, anything under a `test/` or `testing/` folder, or under `bench/`. */
export function isTestCode(file: string): boolean {
  const parts = segments(file);
  return /\.test\.ts$/.test(file) || parts[0] === 'bench' || parts.slice(0, -1).some((p) => p === 'test' || p === 'testing');
}

const isProduction = (file: string): boolean => !isTestCode(file);

const inFolders = (file: string, folders: readonly string[]) => folders.includes(topFolder(file));

/** Whether `file` is one of `paths` or lies under one of them. */
function isUnder(file: string, paths: readonly string[]): boolean {
  return paths.some((p) => {
    const clean = p.replace(/^\.\//, '').replace(/\/$/, '');
    return clean === '.' || file === clean || file.startsWith(`${clean}/`);
  });
}

type Resolved = ImportEdge & { readonly to: string };
const resolvedEdges = (graph: ImportGraph): Resolved[] => graph.edges.filter((e): e is Resolved => e.to !== null);

/** Every violation in the graph, in file order. */
export function checkDependencies(graph: ImportGraph, options: RuleOptions): Violation[] {
  const dockerfile = options.dockerfile ?? 'agent/image/Dockerfile';
  const violations: Violation[] = [];
  const add = (rule: RuleId, e: Resolved, message: string) => violations.push({ rule, from: e.from, to: e.to, specifier: e.specifier, line: e.line, message });

  const production = resolvedEdges(graph).filter((e) => isProduction(e.from));
  for (const e of production) {
    if (inFolders(e.from, PRODUCT_FOLDERS) && topFolder(e.to) === 'local')
      add(
        'product-imports-no-local',
        e,
        `product code must not import local/ (it holds only the one-machine stand-ins for AWS and GitHub and the embedded platform's wiring). ` +
          `If ${e.to} is product logic, move it into a product folder (e.g. services/adapters/…); if it is an emulator, pass what you need in from local/platform instead.`,
      );
    if (isTestCode(e.to))
      add(
        'production-imports-no-test-code',
        e,
        `production code must not import test code (a *.test.ts file, a test/ or testing/ folder, bench/). ` +
          `Move what production needs out of ${e.to} into a production module, or make ${e.from} a test helper.`,
      );
    if (topFolder(e.from) === 'agent' && topFolder(e.to) === 'projections')
      add(
        'agent-imports-no-projections',
        e,
        `the agent runs in the compute and never reads the platform's views; what it needs must come in the session payload (schemas/agent/contracts.ts).`,
      );
    if (inFolders(e.from, PLATFORM_FOLDERS) && topFolder(e.to) === 'agent')
      add(
        'platform-imports-no-agent',
        e,
        `the platform imports nothing from agent/: what both sides share (session payload, telemetry records, inbox nudges, the git-token ref) is published in schemas/agent/contracts.ts. ` +
          `Import it from there, or move the shared piece there.`,
      );
  }

  // What the agent's production files reach, hop by hop, must be inside what the image copies.
  const byFrom = new Map<string, Resolved[]>();
  for (const e of production) byFrom.set(e.from, [...(byFrom.get(e.from) ?? []), e]);
  const copies = options.agentImageCopies;
  const seen = new Set<string>();
  const queue = graph.files.filter((f) => topFolder(f) === 'agent' && isProduction(f));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const e of byFrom.get(file) ?? []) {
      if (!isUnder(e.to, copies)) {
        add(
          'agent-image-copies-its-imports',
          e,
          `the agent image does not copy ${e.to} (${dockerfile} copies ${copies.join(', ')}), so building the image fails on a missing module. ` +
            `Import only what the image copies, move the piece into one of those paths, or add a COPY line (and a Dockerfile.dockerignore entry) for it.`,
        );
      } else if (isProduction(e.to)) {
        queue.push(e.to);
      }
    }
  }

  const key = (v: Violation) => `${v.from}\u0000${String(v.line).padStart(6, '0')}\u0000${v.rule}`;
  return violations.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** One violation per paragraph: `file:line → imported file ('specifier')`, the rule, what to do. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.from}:${v.line} → ${v.to} ('${v.specifier}')\n  [${v.rule}] ${v.message}`).join('\n\n');
}

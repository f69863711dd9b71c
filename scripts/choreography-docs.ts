/**
 * `npm run docs:choreography` writes docs/CHOREOGRAPHY.md from the catalog (services/catalog.ts);
 * `npm run docs:choreography -- --check` exits 1 when the committed file differs from a fresh
 * generation (test/docs/choreography-docs.test.ts runs the same comparison in `npm test`, so an
 * entry changed without regenerating fails the suite).
 *
 * Everything in the file comes from the entries — what each consumes (its pattern, or its stream,
 * custom resource or HTTP), what it emits, its ports, its retry/dead-letter settings, its Lambda
 * functions — and from the events' registry (schemas/generated/registry.ts: which stream, so which
 * bus `source`, each event type belongs to). Only the framing prose lives here.
 */
import path from 'node:path';
import { EVENT_SCHEMAS } from '../schemas/generated/registry';
import { runAsScript, runGeneratedDoc, type GeneratedDoc, type Output } from './generated-doc';
import { CATALOG, lambdaFunctionsOf, portsOfEntry, visibilityTimeoutSeconds, type CatalogEntry, type EventPattern, type StreamEventSource } from '../services/catalog';
import { sourceOf, type EventType, type StreamType } from '../services/kernel/envelope';

export const CHOREOGRAPHY_DOCS_PATH = path.resolve(__dirname, '..', 'docs', 'CHOREOGRAPHY.md');

// ── patterns ────────────────────────────────────────────────────────────────────────────────────

/** One alternative of a pattern: these sources, and these detail types (null: any). */
interface Clause {
  readonly sources: readonly string[];
  readonly detailTypes: readonly string[] | null;
}

/**
 * The clauses of the patterns the catalog uses: `{ source, 'detail-type'? }` or `$or` of those.
 * Anything else fails the generation (extend this reader, and the diagram, when an entry needs more).
 */
export function clausesOf(pattern: EventPattern, where: string): Clause[] {
  if ('$or' in pattern) {
    const { $or, ...rest } = pattern as { $or: EventPattern[] };
    if (Object.keys(rest).length > 0 || !Array.isArray($or)) throw new Error(`${where}: a $or beside other fields is not described by the choreography generator`);
    return $or.flatMap((p) => clausesOf(p, where));
  }
  const { source, 'detail-type': detailTypes, ...rest } = pattern as { source?: unknown; 'detail-type'?: unknown };
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (Object.keys(rest).length > 0 || !strings(source) || (detailTypes !== undefined && !strings(detailTypes))) {
    throw new Error(`${where}: the pattern ${JSON.stringify(pattern)} is not described by the choreography generator (it reads { source: [...], 'detail-type'?: [...] } and $or of those)`);
  }
  return [{ sources: source, detailTypes: detailTypes ?? null }];
}

const EVENT_TYPES = Object.keys(EVENT_SCHEMAS).sort() as EventType[];
const sourceOfEvent = (type: EventType): string => sourceOf({ type: EVENT_SCHEMAS[type].stream as StreamType, id: '' });
const DOMAIN_SOURCES = [...new Set(EVENT_TYPES.map(sourceOfEvent))];
const isEventType = (type: string): type is EventType => type in EVENT_SCHEMAS;

function describeClause(clause: Clause): string {
  const sources = clause.sources.map((s) => `\`${s}\``).join(', ');
  return clause.detailTypes === null ? `every ${sources} event` : `${sources}: ${clause.detailTypes.join(', ')}`;
}

// ── the table ───────────────────────────────────────────────────────────────────────────────────

const seconds = (s: number): string => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function streamSettings(source: StreamEventSource): string {
  return [
    `from ${source.startingPosition}`,
    `batches of ${source.batchSize}${source.maxBatchingWindowSeconds ? ` or ${seconds(source.maxBatchingWindowSeconds)}` : ''}`,
    `${source.parallelizationFactor ?? 1} batch per shard at a time`,
    `partial batch failures${source.bisectBatchOnError ? ', bisect on error' : ''}`,
    `${source.retryAttempts} retries, then the batch's position → its DLQ`,
  ].join('; ');
}

function consumes(entry: CatalogEntry): string {
  switch (entry.kind) {
    case 'queue':
      return [...clausesOf(entry.pattern, entry.name).map(describeClause), ...(entry.schedule ? [`schedule \`${entry.schedule}\``] : [])].join('; ');
    case 'stream':
      return 'the events table\'s DynamoDB Stream (new images)';
    case 'kinesis':
      return 'the Kinesis telemetry stream (agents\' progress, heartbeats, final reports)';
    case 'rule-target': {
      const target = entry.target === 'api-destination' ? 'an API destination (Slack)' : 'a CloudWatch log group';
      const when = [entry.requires === 'slack-webhook' ? 'only with a Slack webhook configured' : null, entry.cloudOnly ? 'AWS only' : null].filter(Boolean);
      return `${clausesOf(entry.pattern, entry.name).map(describeClause).join('; ')} → ${target}${entry.inputTransformer ? ' through an input transformer' : ''}${when.length ? ` (${when.join(', ')})` : ''}`;
    }
    case 'custom-resource':
      return `CloudFormation: \`${entry.resourceType}\` create, update, delete (AWS only)`;
    case 'http':
      return 'HTTP requests: the REST API ([API.md](API.md)), behind its authorizer';
  }
}

function retry(entry: CatalogEntry): string {
  switch (entry.kind) {
    case 'queue':
      return [
        `batches of ${entry.batchSize}${entry.ordered ? ', in order' : ''}`,
        `visibility ${seconds(visibilityTimeoutSeconds(entry))}`,
        `${entry.maxReceiveCount} receives, then its DLQ`,
        entry.idempotentByConstruction ? 'idempotent by construction' : 'redeliveries deduplicated (idempotency records)',
        ...(entry.reservedConcurrency ? [`at most ${entry.reservedConcurrency} at once`] : []),
      ].join('; ');
    case 'stream':
    case 'kinesis':
      return streamSettings(entry.eventSource);
    case 'rule-target':
      return `${entry.retry.maximumRetryAttempts} retries within ${seconds(entry.retry.maximumEventAgeSeconds)}, then the bus's delivery DLQ`;
    case 'custom-resource':
      return 'none: a failure fails the deployment, which CloudFormation rolls back';
    case 'http':
      return 'none: the caller retries (Idempotency-Key on POST); a refused request writes nothing';
  }
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const list = (items: readonly string[]): string => (items.length ? items.join(', ') : '—');

function table(catalog: readonly CatalogEntry[]): string[] {
  const rows = catalog.map((e) => `| ${e.name} | ${e.kind} | ${cell(consumes(e))} | ${list(e.emits)} | ${list(portsOfEntry(e))} | ${cell(retry(e))} |`);
  return ['| consumer | kind | consumes | emits | ports | retry / DLQ |', '|---|---|---|---|---|---|', ...rows];
}

function functions(catalog: readonly CatalogEntry[]): string[] {
  const rows = catalog.flatMap((e) => lambdaFunctionsOf(e).map((f) => `| ${f.name} | ${e.name} | \`${f.lambdaEntry}\` | ${f.timeoutSeconds} s | ${f.memoryMb} MB |`));
  return ['| function | consumer | entry | timeout | memory |', '|---|---|---|---|---|', ...rows];
}

// ── the diagram ─────────────────────────────────────────────────────────────────────────────────

const id = (prefix: string, name: string): string => `${prefix}_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

/** A Mermaid flowchart: event → consumer → emitted events, the API as the source of commands' events. */
export function diagram(catalog: readonly CatalogEntry[]): string[] {
  const edges: string[] = [];
  const triggers = new Map<string, string>(); // node id → label
  const used = new Set<EventType>();
  const wholeSources = new Set<string>();
  const consumerNodes: string[] = [];

  const from = (clause: Clause, to: string) => {
    for (const source of clause.sources) {
      if (DOMAIN_SOURCES.includes(source) && clause.detailTypes === null) {
        wholeSources.add(source);
        edges.push(`  ${id('s', source)} --> ${to}`);
        continue;
      }
      for (const type of clause.detailTypes ?? ['*']) {
        if (DOMAIN_SOURCES.includes(source) && isEventType(type) && sourceOfEvent(type) === source) {
          used.add(type);
          edges.push(`  ${id('e', type)} --> ${to}`);
        } else {
          const node = id('t', `${source}_${type}`);
          triggers.set(node, `${source}: ${type}`);
          edges.push(`  ${node} --> ${to}`);
        }
      }
    }
  };

  for (const entry of catalog) {
    const node = id('c', entry.name);
    switch (entry.kind) {
      case 'queue':
        consumerNodes.push(`  ${node}["${entry.name}"]`);
        for (const clause of clausesOf(entry.pattern, entry.name)) from(clause, node);
        if (entry.schedule) {
          triggers.set(id('t', `schedule_${entry.name}`), `schedule: ${entry.schedule}`);
          edges.push(`  ${id('t', `schedule_${entry.name}`)} --> ${node}`);
        }
        break;
      case 'rule-target':
        consumerNodes.push(`  ${node}[/"${entry.name}<br/>${entry.target === 'api-destination' ? 'Slack' : 'log group'}"/]`);
        for (const clause of clausesOf(entry.pattern, entry.name)) from(clause, node);
        break;
      case 'stream':
        consumerNodes.push(`  ${node}[["${entry.name}"]]`);
        triggers.set('t_store', 'event store: DynamoDB Stream');
        edges.push(`  t_store --> ${node}`, `  ${node} -.->|puts every stored event on the bus| bus{{"EventBridge bus"}}`);
        break;
      case 'kinesis':
        consumerNodes.push(`  ${node}[["${entry.name}"]]`);
        triggers.set('t_telemetry', 'agents: Kinesis telemetry');
        edges.push(`  t_telemetry --> ${node}`);
        break;
      case 'custom-resource':
        consumerNodes.push(`  ${node}[["${entry.name}"]]`);
        triggers.set('t_cloudformation', `CloudFormation: ${entry.resourceType}`);
        edges.push(`  t_cloudformation --> ${node}`);
        break;
      case 'http':
        consumerNodes.push(`  ${node}[["${entry.name}"]]`);
        triggers.set('t_http', 'HTTP: REST API, CLI, webhooks');
        edges.push(`  t_http --> ${node}`);
        break;
    }
    for (const type of entry.emits) {
      used.add(type);
      edges.push(`  ${node} --> ${id('e', type)}`);
    }
  }

  const groups = DOMAIN_SOURCES.filter((s) => wholeSources.has(s) || EVENT_TYPES.some((t) => used.has(t) && sourceOfEvent(t) === s)).flatMap((source) => [
    `  subgraph ${id('s', source)}["${source}"]`,
    ...EVENT_TYPES.filter((t) => used.has(t) && sourceOfEvent(t) === source).map((t) => `    ${id('e', t)}(["${t}"])`),
    '  end',
  ]);
  return [
    '```mermaid',
    'flowchart LR',
    ...[...triggers].map(([node, label]) => `  ${node}>"${label}"]`),
    ...groups,
    ...consumerNodes,
    ...edges,
    '```',
  ];
}

// ── the file ────────────────────────────────────────────────────────────────────────────────────

export function renderChoreographyDocs(catalog: readonly CatalogEntry[] = CATALOG): string {
  const what = catalog.map((e) => `- **${e.name}** (${e.kind}): ${e.description}`);
  return [
    '# Choreography',
    '',
    '<!-- Generated by `npm run docs:choreography` from the catalog (services/catalog.ts). Do not edit by hand: a test fails when this file differs from a fresh generation. -->',
    '',
    'Which consumer reacts to which event, and what it emits. Every consumer of the platform is an entry of the',
    'catalog (`services/catalog.ts`), beside its code (`<consumer>/catalog-entry.ts`): the CDK app and the embedded',
    'platform build each one by its kind, every Lambda function and EventBridge rule of the CDK app comes from an',
    'entry (`infra/test/catalog.test.ts`), and what an entry emits is checked against what its code can append',
    '(`test/architecture/catalog-emits.test.ts`). The design behind it: [ARCHITECTURE.md](ARCHITECTURE.md#choreography).',
    '',
    'Kinds: **queue** — a bus rule → SQS queue (+ dead-letter queue) → Lambda, the rule\'s delivery retried by',
    'EventBridge for up to a day, then the bus\'s delivery dead-letter queue; **stream** — the events table\'s',
    'DynamoDB Stream → Lambda; **kinesis** — the telemetry stream → Lambda; **rule-target** — a bus rule whose',
    'target runs no code of ours; **custom-resource** — CloudFormation → Lambda; **http** — API Gateway → Lambda,',
    'where commands are born. An event a consumer emits is appended to the event store, and the publisher puts it',
    'on the bus.',
    '',
    '## Consumers',
    '',
    ...table(catalog),
    '',
    ...what,
    '',
    '## Event flow',
    '',
    'Events (rounded) grouped by their bus `source`; an arrow from a group is a rule on every event of that source.',
    '',
    ...diagram(catalog),
    '',
    '## Lambda functions',
    '',
    ...functions(catalog),
    '',
  ].join('\n');
}

/** docs/CHOREOGRAPHY.md as a generated document. */
export const CHOREOGRAPHY_DOC: GeneratedDoc = { script: 'docs:choreography', defaultPath: CHOREOGRAPHY_DOCS_PATH, source: 'the catalog' };

/** `[--check] [--file PATH]`: write PATH (default docs/CHOREOGRAPHY.md), or with --check compare it with a fresh generation. */
export function main(argv: readonly string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  return runGeneratedDoc(CHOREOGRAPHY_DOC, renderChoreographyDocs, argv, out, err);
}

if (require.main === module) runAsScript(CHOREOGRAPHY_DOC, main);

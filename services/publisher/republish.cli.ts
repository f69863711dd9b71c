/**
 * `npm run republish -- [options]` (or `tsx services/publisher/republish.cli.ts`): the outbox's
 * republish command — re-sends stored events to the bus unchanged (republish.ts). Exit codes: 0
 * done, 1 failed part-way (what got through is printed; running again is safe), 2 bad arguments.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../adapters/aws/dynamodb-client';
import { DynamoDbEventStore } from '../kernel/dynamodb-event-store';
import { parseStreamKey, streamKey, type StreamRef, type StreamType } from '../kernel/envelope';
import type { EventBus } from '../kernel/event-bus';
import { EventBridgeEventBus } from '../kernel/eventbridge-event-bus';
import { EVENTS_TABLE, tableName } from '../kernel/tables';
import {
  describeSelection,
  instantMs,
  republish,
  RepublishArgumentError,
  REPUBLISH_STREAM_TYPES,
  type RepublishSelection,
} from './republish';

export const USAGE = `Usage: npm run republish -- [options]
       tsx services/publisher/republish.cli.ts [options]

Re-sends stored events from the event store to the bus, unchanged (same envelope, same event id).
Consumers are idempotent on the event id, so only consumers that never got an event act on it
(idempotency records last 48 h: older events are handled again by every consumer they reach).
Each stream's events are sent in order. Progress goes to stderr, a summary line to stdout.
Exit codes: 0 done, 1 failed part-way (safe to run again), 2 bad arguments.

What (default: every event of every stream):
  --stream TYPE#ID        one stream, e.g. Task#01JABCDEF...
  --from-sequence N       with --stream: first sequence to send (default 1)
  --to-sequence N         with --stream: last sequence to send, inclusive (default: the last)
  --stream-type TYPE      every stream of a type: ${REPUBLISH_STREAM_TYPES.join(', ')}
  --since ISO             only events recorded at or after ISO
  --until ISO             only events recorded before ISO
                          ISO: 2025-01-31 (midnight UTC) or 2025-01-31T12:00:00Z / ...+02:00

Where:
  --dynamodb-url URL      the event store's DynamoDB endpoint (default: dynamodb_url in
                          .abca/endpoints.json, written by the local platform)
  --eventbridge-url URL   the bus's EventBridge endpoint (default: eventbridge_url in
                          .abca/endpoints.json)
                          With neither URL and no .abca/endpoints.json: AWS itself, with the
                          default credential chain and region.
  --table-prefix P        table-name prefix (default: $ABCA_TABLE_PREFIX, else "abca"; "" for none)
  --bus NAME              event bus name (default: abca)

How:
  --dry-run               list the events that would be sent (stdout); send nothing
  --batch-size N          events per publish call (default 10)
  --progress-every N      a progress line every N events (default 100)
  --help                  show this help`;

export interface RepublishCliIo {
  /** stdout: the dry-run listing and the summary line. */
  readonly log: (line: string) => void;
  /** stderr: progress, warnings and errors. */
  readonly error: (line: string) => void;
  /** Where the local platform's endpoints are (default: `<repo>/.abca/endpoints.json`). */
  readonly endpointsFile?: string;
}

export const DEFAULT_ENDPOINTS_FILE = path.resolve(__dirname, '..', '..', '.abca', 'endpoints.json');

/** Where to talk to: local endpoints, or AWS with its defaults. */
export type Endpoints =
  | { readonly kind: 'local'; readonly dynamodbUrl: string; readonly eventbridgeUrl: string | undefined; readonly source: string }
  | { readonly kind: 'aws' };

class UsageError extends Error {}

/** Runs the CLI; returns the exit code. */
export async function runRepublishCli(argv: readonly string[], io: RepublishCliIo = { log: console.log, error: console.error }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        stream: { type: 'string' },
        'stream-type': { type: 'string' },
        'from-sequence': { type: 'string' },
        'to-sequence': { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'dynamodb-url': { type: 'string' },
        'eventbridge-url': { type: 'string' },
        'table-prefix': { type: 'string' },
        bus: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'batch-size': { type: 'string' },
        'progress-every': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.error(`${(err as Error).message}\n(see --help)`);
    return 2;
  }
  if (values.help) {
    io.log(USAGE);
    return 0;
  }

  let selection: RepublishSelection;
  let batchSize: number;
  let progressEvery: number;
  let endpoints: Endpoints;
  const dryRun = values['dry-run'] ?? false;
  const busName = values.bus ?? 'abca';
  try {
    selection = selectionFrom(values);
    batchSize = wholeNumber('--batch-size', values['batch-size']) ?? 10;
    progressEvery = wholeNumber('--progress-every', values['progress-every']) ?? 100;
    if (busName === '') throw new UsageError('--bus must name an event bus (default: abca)');
    endpoints = resolveEndpoints({
      dynamodbUrl: values['dynamodb-url'],
      eventbridgeUrl: values['eventbridge-url'],
      endpointsFile: io.endpointsFile ?? DEFAULT_ENDPOINTS_FILE,
      needBus: !dryRun,
    });
  } catch (err) {
    if (err instanceof UsageError || err instanceof RepublishArgumentError) {
      io.error(`${err.message}\n(see --help)`);
      return 2;
    }
    throw err;
  }

  const table = tableName(EVENTS_TABLE, values['table-prefix']);
  const dynamo = endpoints.kind === 'local' ? localDynamoClient(endpoints.dynamodbUrl) : new DynamoDBClient({});
  const eventBridge =
    endpoints.kind === 'aws'
      ? new EventBridgeClient({})
      : endpoints.eventbridgeUrl
        ? new EventBridgeClient({ endpoint: endpoints.eventbridgeUrl, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS })
        : undefined;
  const where =
    endpoints.kind === 'aws'
      ? 'AWS (default credentials and region)'
      : `${endpoints.dynamodbUrl}${endpoints.eventbridgeUrl ? ` → ${endpoints.eventbridgeUrl}` : ''} (${endpoints.source})`;
  const what = describeSelection(selection);
  io.error(`${dryRun ? 'dry run: listing' : 'republishing'} ${what} from ${table} to bus ${busName} via ${where}`);

  const bus: EventBus = eventBridge
    ? new EventBridgeEventBus({ client: eventBridge, eventBusName: busName })
    : {
        publish: async () => {
          throw new Error('no bus in a dry run');
        },
      };
  const started = Date.now();
  try {
    const report = await republish({
      store: new DynamoDbEventStore({ client: dynamo, tableName: table }),
      bus,
      selection,
      dryRun,
      batchSize,
      progressEvery,
      onBatch: dryRun
        ? (events) => {
            for (const e of events) io.log(`${streamKey(e.stream)} #${e.sequence} ${e.type} ${e.id} recorded ${e.recordedAt}`);
          }
        : undefined,
      onProgress: (p) =>
        io.error(`… ${p.events} events selected, ${p.published} published, from ${p.streams} of ${p.scanned} streams read (at ${p.stream})`),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.log(
      dryRun
        ? `dry run: ${report.events} events from ${report.streams} streams would be re-sent to bus ${busName} (${what}); nothing was sent`
        : `republished ${report.published} events from ${report.streams} streams to bus ${busName} (${what}) in ${seconds} s`,
    );
    return 0;
  } catch (err) {
    if (err instanceof RepublishArgumentError) {
      io.error(`${err.message}\n(see --help)`);
      return 2;
    }
    const e = err as Error;
    io.error(e.name === 'ResourceNotFoundException' ? `table ${table} not found (${e.message}): check --table-prefix and --dynamodb-url` : e.message);
    return 1;
  } finally {
    dynamo.destroy();
    eventBridge?.destroy();
  }
}

type Values = Partial<Record<'stream' | 'stream-type' | 'from-sequence' | 'to-sequence' | 'since' | 'until', string>>;

/** The selection the flags describe; flag-named errors for what the user typed wrong. */
function selectionFrom(values: Values): RepublishSelection {
  if (values.stream !== undefined && values['stream-type'] !== undefined)
    throw new UsageError('give --stream or --stream-type, not both (--stream already names the type: Task#<id>)');
  const fromSequence = wholeNumber('--from-sequence', values['from-sequence']);
  const toSequence = wholeNumber('--to-sequence', values['to-sequence']);
  if ((fromSequence !== undefined || toSequence !== undefined) && values.stream === undefined)
    throw new UsageError('--from-sequence / --to-sequence need --stream TYPE#ID: sequences number the events of one stream');
  if (fromSequence !== undefined && toSequence !== undefined && fromSequence > toSequence)
    throw new UsageError(`--from-sequence ${fromSequence} is greater than --to-sequence ${toSequence}: the range is inclusive, so from must be ≤ to`);
  const window = {
    recordedFrom: values.since === undefined ? undefined : new Date(instantMs('--since', values.since)),
    recordedTo: values.until === undefined ? undefined : new Date(instantMs('--until', values.until)),
  };
  if (window.recordedFrom && window.recordedTo && window.recordedFrom > window.recordedTo)
    throw new UsageError(`--since ${values.since} is after --until ${values.until}: the window is [since, until), so since must not be later`);
  if (values.stream !== undefined) return { stream: streamRef(values.stream), fromSequence, toSequence, ...window };
  if (values['stream-type'] !== undefined) {
    const type = values['stream-type'];
    if (!(REPUBLISH_STREAM_TYPES as readonly string[]).includes(type))
      throw new UsageError(`unknown --stream-type ${JSON.stringify(type)}: choose one of ${REPUBLISH_STREAM_TYPES.join(', ')}`);
    return { streamType: type as StreamType, ...window };
  }
  return window;
}

function streamRef(key: string): StreamRef {
  let ref: StreamRef;
  try {
    ref = parseStreamKey(key);
  } catch {
    throw new UsageError(`--stream ${JSON.stringify(key)} is not a stream key: write TYPE#ID, e.g. Task#01JABC..., with TYPE one of ${REPUBLISH_STREAM_TYPES.join(', ')}`);
  }
  if (ref.id === '') throw new UsageError(`--stream ${JSON.stringify(key)} has no id after the #: write TYPE#ID, e.g. Task#01JABC...`);
  return ref;
}

function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Flags first, then the local platform's endpoints file. Nothing at all (no flag, no file) means
 * AWS; a half-given local setup is refused rather than sending one half to AWS.
 */
export function resolveEndpoints(args: {
  readonly dynamodbUrl?: string;
  readonly eventbridgeUrl?: string;
  readonly endpointsFile: string;
  /** False in a dry run: no bus is needed. */
  readonly needBus: boolean;
}): Endpoints {
  let file: { dynamodb_url?: unknown; eventbridge_url?: unknown } | undefined;
  if (existsSync(args.endpointsFile)) {
    try {
      file = JSON.parse(readFileSync(args.endpointsFile, 'utf8')) as typeof file;
    } catch (err) {
      throw new UsageError(`${args.endpointsFile} is not valid JSON (${(err as Error).message}): fix or delete it, or pass --dynamodb-url and --eventbridge-url`);
    }
    if (file === null || typeof file !== 'object') throw new UsageError(`${args.endpointsFile} must hold a JSON object with dynamodb_url and eventbridge_url`);
  }
  if (args.dynamodbUrl === undefined && args.eventbridgeUrl === undefined && file === undefined) return { kind: 'aws' };

  const fromFile = (key: 'dynamodb_url' | 'eventbridge_url') => (typeof file?.[key] === 'string' && file[key] !== '' ? (file[key] as string) : undefined);
  const dynamodbUrl = args.dynamodbUrl ?? fromFile('dynamodb_url');
  const eventbridgeUrl = args.eventbridgeUrl ?? fromFile('eventbridge_url');
  const fileNote = file
    ? `${args.endpointsFile} has no usable "%s"`
    : `there is no ${args.endpointsFile} (the local platform writes it)`;
  if (dynamodbUrl === undefined)
    throw new UsageError(
      `no DynamoDB endpoint: pass --dynamodb-url URL (e.g. http://127.0.0.1:8000); ${fileNote.replace('%s', 'dynamodb_url')}. ` +
        'To use AWS itself, give neither URL and have no endpoints file.',
    );
  if (eventbridgeUrl === undefined && args.needBus)
    throw new UsageError(
      `no EventBridge endpoint: pass --eventbridge-url URL (e.g. http://127.0.0.1:4010); ${fileNote.replace('%s', 'eventbridge_url')}. ` +
        'To use AWS itself, give neither URL and have no endpoints file.',
    );
  checkUrl('--dynamodb-url', dynamodbUrl);
  if (eventbridgeUrl !== undefined) checkUrl('--eventbridge-url', eventbridgeUrl);
  const fromFlags = [args.dynamodbUrl !== undefined, ...(eventbridgeUrl === undefined ? [] : [args.eventbridgeUrl !== undefined])];
  const source = fromFlags.every(Boolean) ? 'from the flags' : fromFlags.some(Boolean) ? `from the flags and ${args.endpointsFile}` : `from ${args.endpointsFile}`;
  return { kind: 'local', dynamodbUrl, eventbridgeUrl, source };
}

function checkUrl(flag: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} ${JSON.stringify(value)} is not a URL: write it like http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} ${JSON.stringify(value)} must be an http:// or https:// URL`);
}

if (require.main === module) {
  runRepublishCli(process.argv.slice(2), { log: (line) => process.stdout.write(`${line}\n`), error: (line) => process.stderr.write(`${line}\n`) }).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}

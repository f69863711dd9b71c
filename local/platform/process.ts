/**
 * The embedded platform as a process of its own (the reliability tests kill it with SIGKILL and
 * start it again; `npm start` will build on it). Options come as JSON in ABCA_PLATFORM_OPTIONS
 * (PlatformOptions minus functions). Prints `READY <endpoints json>` once serving and stops
 * cleanly on SIGINT / SIGTERM.
 */
import { startPlatform, type PlatformOptions } from './platform';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.ABCA_PLATFORM_OPTIONS ?? '{}') as PlatformOptions;
  const platform = await startPlatform({ ...options, log: (message, fields) => process.stderr.write(`${JSON.stringify({ message, ...fields })}\n`) });
  process.stdout.write(`READY ${JSON.stringify(platform.endpoints)}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: stopping\n`);
    platform.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: Error) => {
  process.stderr.write(`platform failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

/**
 * The shared ending of the local servers' CLIs: keep serving until Ctrl-C / SIGTERM, then stop
 * cleanly once; a start-up error prints its message and exits 1.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

export function runCli(main: () => Promise<void>): void {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exit(1);
  });
}

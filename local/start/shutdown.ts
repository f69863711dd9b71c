/**
 * Ctrl-C / SIGTERM for `npm start`: the first signal stops everything cleanly and exits 0 (1 if
 * stopping failed); a second one forces the exit (130). A signal arriving within `debounceMs` of
 * the first is the same keypress delivered twice (the terminal signals the whole process group,
 * and npm and tsx relay it to their child as well), not a second Ctrl-C, and is ignored. A stop that
 * hangs longer than `forceAfterMs` is forced too.
 */
export interface ShutdownOptions {
  readonly stop: (signal: string) => Promise<void>;
  readonly say: (line: string) => void;
  readonly exit?: (code: number) => void;
  readonly now?: () => number;
  readonly debounceMs?: number;
  readonly forceAfterMs?: number;
}

export function shutdownHandler(options: ShutdownOptions): (signal: string) => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? Date.now;
  const debounceMs = options.debounceMs ?? 1_000;
  let firstAt: number | undefined;
  return (signal) => {
    if (firstAt === undefined) {
      firstAt = now();
      options.say(`\n${signal}: stopping ABCA (press Ctrl-C again to force)…`);
      const timer = setTimeout(() => {
        options.say(`Stopping takes longer than ${Math.round((options.forceAfterMs ?? 60_000) / 1000)} s: forcing the exit.`);
        exit(1);
      }, options.forceAfterMs ?? 60_000);
      timer.unref();
      options.stop(signal).then(
        () => {
          clearTimeout(timer);
          options.say('ABCA stopped.');
          exit(0);
        },
        (err: Error) => {
          clearTimeout(timer);
          options.say(`ABCA stopped with an error: ${err.message}`);
          exit(1);
        },
      );
      return;
    }
    if (now() - firstAt < debounceMs) return;
    options.say(`${signal} again: forcing the exit (the data is durable; the next start resumes).`);
    exit(130);
  };
}

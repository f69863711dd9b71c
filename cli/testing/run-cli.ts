/** Runs bgagent in-process for tests: main(argv, env, io) with captured stdout / stderr. */
import { main } from '../main';
import type { OutStream } from '../render';

class Capture implements OutStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
    private readonly onWrite?: (all: string) => void,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    this.onWrite?.(this.text);
    return true;
  }
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Pretend stdout and stderr are terminals. */
  readonly tty?: boolean;
  /** Called with everything written to stdout so far, after each write. */
  readonly onStdout?: (all: string) => void;
}

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, options: RunOptions = {}): Promise<CliRun> {
  const stdout = new Capture(options.tty ?? false, options.tty ? 100 : undefined, options.onStdout);
  const stderr = new Capture(options.tty ?? false, options.tty ? 100 : undefined);
  const code = await main(argv, env, { stdout, stderr, signal: options.signal });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

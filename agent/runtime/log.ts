/**
 * The runtime's log: one JSON line per message on stderr (the compute keeps it next to the
 * workspace), with the task id as correlationId. Callers redact secrets before logging.
 */
type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, extra?: Record<string, unknown>) => void;

export function jsonLog(context: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stderr.write(l)): Log {
  return (level, message, extra = {}) => {
    write(`${JSON.stringify({ level: level.toUpperCase(), service: 'agent', message, timestamp: new Date().toISOString(), ...context, ...extra })}\n`);
  };
}

export const silentLog: Log = () => undefined;

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

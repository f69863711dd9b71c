/** The local EventBridge's log: structured lines (JSON on stderr by default). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** JSON lines on stderr, from LOG_LEVEL (or POWERTOOLS_LOG_LEVEL; default info) up. */
export const jsonStderrLog: Log = (level, message, fields) => {
  const min = (process.env.LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (RANK[level] < (RANK[min] ?? 1)) return;
  process.stderr.write(`${JSON.stringify({ level, service: 'local-eventbridge', message, ...fields, timestamp: new Date().toISOString() })}\n`);
};

export const silentLog: Log = () => undefined;

/**
 * Structured JSON logs (Powertools Logger): every line names its service, and handlers append the
 * correlation id (the task id) and the event id while they work on an event.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export type { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL ?? 'INFO') as 'INFO' });
}

/** The watchdog counts what it does: StuckTaskActions for each action that went through, WatchdogActionFailures for each that failed. */
import { flushMetrics, resetMetrics } from '../../kernel/metrics';
import { logAction, type WatchdogAction } from './actions';

const saved = process.env;
afterEach(() => {
  process.env = saved;
  jest.restoreAllMocks();
});

test('each logged action is also an EMF metric of the watchdog', () => {
  process.env = { ...saved, AWS_LAMBDA_FUNCTION_NAME: 'abca-watchdog', POWERTOOLS_METRICS_NAMESPACE: 'ABCA/abca' };
  resetMetrics();
  const written: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const logger = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const action = (result: WatchdogAction['result']): WatchdogAction => ({ taskId: 't1', status: 'RUNNING', action: 'fail', reason: 'silent', result });
  logAction(logger, action('done'));
  logAction(logger, action('noop'));
  logAction(logger, action('error'));
  expect(logger.info).toHaveBeenCalledTimes(2);
  expect(logger.warn).toHaveBeenCalledTimes(1);
  flushMetrics();
  const [blob, ...rest] = written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(rest).toEqual([]);
  expect(blob).toMatchObject({ service: 'watchdog', StuckTaskActions: [1, 1], WatchdogActionFailures: 1 });
});

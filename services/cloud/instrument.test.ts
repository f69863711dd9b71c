/**
 * Powertools around the handlers, off Lambda (the embedded platform, tests): the tracer is off, so
 * no X-Ray daemon is called and nothing is logged; SDK clients are returned as they are; the
 * invocation's metrics are flushed when it ends, also when it throws.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PLATFORM_METRICS } from '../kernel/metric-names';
import { recordMetric, resetMetrics } from '../kernel/metrics';
import { instrumented, traced, tracer } from './instrument';

const saved = process.env;
afterEach(() => {
  process.env = saved;
  jest.restoreAllMocks();
});

test('off Lambda the tracer is off: clients are not wrapped, and a traced handler writes nothing', async () => {
  const writes = jest.spyOn(process.stdout, 'write');
  const errors = jest.spyOn(process.stderr, 'write');
  const warn = jest.spyOn(console, 'warn');
  expect(tracer().isTracingEnabled()).toBe(false);
  const client = new DynamoDBClient({ region: 'us-east-1' });
  const stack = client.middlewareStack.identify().length;
  expect(traced(client)).toBe(client);
  expect(client.middlewareStack.identify()).toHaveLength(stack);
  const handler = instrumented('x', async (n: number) => n + 1);
  expect(await handler(1)).toBe(2);
  expect(writes).not.toHaveBeenCalled();
  expect(errors).not.toHaveBeenCalled();
  expect(warn).not.toHaveBeenCalled();
  client.destroy();
});

test("the invocation's metrics are flushed at its end, also when it throws", async () => {
  process.env = { ...saved, AWS_LAMBDA_FUNCTION_NAME: 'abca-watchdog' };
  resetMetrics();
  const written: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const failing = instrumented('x', async () => {
    recordMetric(PLATFORM_METRICS.watchdogActionFailures, 1);
    expect(written).toEqual([]); // not before the end
    throw new Error('boom');
  });
  await expect(failing()).rejects.toThrow('boom');
  expect(written.join('')).toContain('"WatchdogActionFailures":1');
});

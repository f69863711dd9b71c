/** Schedule expressions as PutRule checks them. */
import { parseScheduleExpression } from './schedule';

it('reads rate() periods with AWS singular/plural units', () => {
  expect(parseScheduleExpression('rate(1 minute)')).toEqual({ kind: 'rate', periodMs: 60_000 });
  expect(parseScheduleExpression('rate(5 minutes)')).toEqual({ kind: 'rate', periodMs: 300_000 });
  expect(parseScheduleExpression('rate(2 hours)')).toEqual({ kind: 'rate', periodMs: 7_200_000 });
  expect(parseScheduleExpression('rate(1 day)')).toEqual({ kind: 'rate', periodMs: 86_400_000 });
  for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 seconds)', 'every 5 minutes']) {
    expect(() => parseScheduleExpression(bad)).toThrow('Parameter ScheduleExpression is not valid.');
  }
});

it('accepts six-field cron() with one of day-of-month / day-of-week as ?', () => {
  expect(parseScheduleExpression('cron(0 12 * * ? *)')).toEqual({ kind: 'cron' });
  expect(parseScheduleExpression('cron(0/15 8-17 ? * MON-FRI *)')).toEqual({ kind: 'cron' });
  expect(() => parseScheduleExpression('cron(0 12 * * *)')).toThrow();
  expect(() => parseScheduleExpression('cron(0 12 * * * *)')).toThrow();
});

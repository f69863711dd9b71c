/** The registry builds exactly the ports asked for, lazily, each once when shared. */
import { capabilitiesOf, PORT_CAPABILITY, PORT_NAMES } from './ports';
import { portsFor, sharedPorts } from './registry';

test('portsFor builds only the ports named, and leaves out an optional port that is not there', () => {
  const made: string[] = [];
  const factories = {
    now: () => (made.push('now'), () => new Date(0)),
    memory: () => (made.push('memory'), undefined),
    watchdogConfig: () => (made.push('watchdogConfig'), { pageSize: 5 }),
  };
  const ports = portsFor(['now', 'memory'], factories);
  expect(made).toEqual(['now', 'memory']);
  expect(ports.now().getTime()).toBe(0);
  expect('memory' in ports).toBe(false);
});

test('a port without a factory is named', () => {
  expect(() => portsFor(['now'], {} as never)).toThrow('no factory for the now port in this registry');
});

test('sharedPorts builds each port once, on first use, for every consumer', () => {
  let built = 0;
  const registry = sharedPorts({ now: () => (built++, () => new Date()), watchdogConfig: () => undefined });
  expect(built).toBe(0);
  const a = portsFor(['now'], registry);
  const b = portsFor(['now', 'watchdogConfig'], registry);
  expect(built).toBe(1);
  expect(a.now).toBe(b.now);
});

test('every port has its capability (or none) in one map, and capabilities follow from ports', () => {
  expect([...PORT_NAMES].sort()).toEqual(Object.keys(PORT_CAPABILITY).sort());
  expect(capabilitiesOf(['store', 'now', 'admission', 'taskViews', 'idempotencyFor'])).toEqual([]);
  expect(capabilitiesOf(['git', 'store', 'compute', 'scheduler', 'compute'])).toEqual(['compute', 'scheduler', 'git']);
});

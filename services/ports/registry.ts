/**
 * The one way ports are built: a registry is a record of lazy factories, one per port, and
 * `portsFor(names, factories)` builds only the ports a consumer asks for. A Lambda's registry
 * reads the environment (services/cloud/cloud-ports.ts), so a function needs only the variables of
 * its ports; the embedded platform's returns its local adapters; a test harness's, its doubles.
 *
 *   const ports = portsFor(ADMISSION_PORTS, factories);   // PortsOf<typeof ADMISSION_PORTS>
 *
 * TypeScript checks that the factories cover the names; a factory of an optional port (memory,
 * screening, ...) may return undefined.
 */
import type { PortName, Ports } from './ports';

/** A lazy factory per port. */
export type PortFactories<N extends PortName = PortName> = { readonly [K in N]-?: () => Ports[K] };

/** Builds the ports `names` (each factory called once), nothing else. */
export function portsFor<N extends PortName>(names: readonly N[], factories: PortFactories<NoInfer<N>>): Pick<Ports, N> {
  const ports: Partial<Record<PortName, unknown>> = {};
  for (const name of new Set(names)) {
    const factory = factories[name] as (() => unknown) | undefined;
    if (typeof factory !== 'function') throw new Error(`no factory for the ${name} port in this registry`);
    const port = factory();
    if (port !== undefined) ports[name] = port;
  }
  return ports as Pick<Ports, N>;
}

/**
 * The same factories, each building its port at most once (on first use) and handing the same
 * instance to every consumer after: the registry of a process that hosts several consumers.
 */
export function sharedPorts<N extends PortName>(factories: PortFactories<N>): PortFactories<N> {
  const built = new Map<PortName, { value: unknown }>();
  const shared: Partial<Record<PortName, () => unknown>> = {};
  for (const name of Object.keys(factories) as N[]) {
    const make = factories[name] as () => unknown;
    shared[name] = () => {
      let entry = built.get(name);
      if (!entry) {
        entry = { value: make() };
        built.set(name, entry);
      }
      return entry.value;
    };
  }
  return shared as PortFactories<N>;
}

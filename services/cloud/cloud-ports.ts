/**
 * The cloud registry: one factory per port (services/ports/ports.ts), building the port's AWS
 * adapter from the function's environment (the CDK app sets the variables, ./env.ts names them).
 * Each factory reads only its own variables, so a function needs only the variables of the ports
 * it uses: the admission service starts with ABCA_TABLE_PREFIX alone, and no function but those
 * that drive agent sessions needs the compute's.
 *
 *   cloudPortsFor(SESSION_MONITOR_PORTS, { store: cloudStore, now: cloudNow, ... }, process.env, 'the session monitor')
 *
 * The factories live in ./ports/, grouped by what they bring into a bundle (DynamoDB stores,
 * plain settings, the idempotency layer, compute, scheduler, git, blobs, screening, bus); ./ports/all.ts
 * gathers them for tests and tools. A Lambda handler imports the factories of its own ports
 * (TypeScript checks it names every one), never that record, so its bundle holds the SDK clients
 * of those ports and no other. Every missing variable of every
 * port is named in one MissingEnvironmentError, so a misconfigured function says all it needs on
 * its first invocation. Clients are made once per function and shared; nothing here calls AWS
 * until a service does (the GitHub token is read on each GitHub call, through the function's
 * secret reader: ./ports/secrets.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretReader } from '../adapters/secrets/secrets-manager-reader';
import type { PortName, Ports } from '../ports/ports';
import { portsFor, type PortFactories } from '../ports/registry';
import { CLOUD_ENV, MissingEnvironmentError, readEnv, type CloudEnvKey, type Env } from './env';
import { traced } from './instrument';

/** Injected in tests; Lambda functions use the defaults (SDK clients in AWS_REGION, Secrets Manager through Powertools Parameters). */
export interface CloudOverrides {
  readonly dynamo?: DynamoDBClient;
  readonly secrets?: SecretReader;
}

/** What a cloud factory is given: the environment, and the clients the function's ports share. */
export interface CloudContext {
  readonly env: Env;
  /** The function, for error messages ("the session service"). */
  readonly what: string;
  readonly overrides: CloudOverrides;
  /** The variables `required` (every missing one is reported with every other port's) and `optional`. */
  read<R extends CloudEnvKey, O extends CloudEnvKey = never>(required: readonly R[], optional?: readonly O[]): Record<R, string> & Partial<Record<O, string>>;
  /**
   * One `make()` per function and key: what the function's ports share (its DynamoDB client, its
   * secret reader). Made by the factories that need it, so a function whose ports need none has no
   * such client in its bundle.
   */
  shared<T>(key: string, make: () => T): T;
}

/** The function's DynamoDB client (one per function; its calls traced in X-Ray). */
export const dynamoOf = (ctx: CloudContext): DynamoDBClient => ctx.overrides.dynamo ?? ctx.shared('dynamo', () => traced(new DynamoDBClient({})));

/** Builds one port from the function's environment. */
export type CloudPortFactory<K extends PortName> = (ctx: CloudContext) => Ports[K];
export type CloudPortFactories<N extends PortName> = { readonly [K in N]-?: CloudPortFactory<K> };

/**
 * The ports `names` from the environment, through the registry (services/ports/registry.ts). Throws
 * one MissingEnvironmentError naming every variable any of the ports lacks (in CLOUD_ENV's order).
 */
export function cloudPortsFor<N extends PortName>(
  names: readonly N[],
  factories: CloudPortFactories<NoInfer<N>>,
  env: Env,
  what: string,
  overrides: CloudOverrides = {},
): Pick<Ports, N> {
  const registry = cloudRegistry(factories, env, what, overrides);
  const ports = portsFor(names, registry.factories);
  registry.check();
  return ports;
}

/**
 * The cloud factories as a registry of lazy port factories (PortFactories) over one context, and
 * `check()`, which throws the MissingEnvironmentError of every port built so far: a port whose
 * variables are missing is built as undefined and reported by check(), which must run before the
 * ports are used.
 */
export function cloudRegistry<N extends PortName>(
  factories: CloudPortFactories<N>,
  env: Env,
  what: string,
  overrides: CloudOverrides = {},
): {
  readonly factories: PortFactories<N>;
  /** The context the factories share (a function's own variables are read through it). */
  readonly context: CloudContext;
  /** Runs `read`; a MissingEnvironmentError is kept for check() instead of thrown (undefined is returned). */
  collect<T>(read: (ctx: CloudContext) => T): T | undefined;
  /** One more factory over the same context (an optional port the caller decides on). */
  bind<K extends PortName>(factory: CloudPortFactory<K>): () => Ports[K];
  check(): void;
} {
  const missing = new Set<string>();
  const shared = new Map<string, unknown>();
  const ctx: CloudContext = {
    env,
    what,
    overrides,
    read: (required, optional = []) => readEnv(env, what, required, optional),
    shared<T>(key: string, make: () => T): T {
      if (!shared.has(key)) shared.set(key, make());
      return shared.get(key) as T;
    },
  };
  const collect = <T>(read: (ctx: CloudContext) => T): T | undefined => {
    try {
      return read(ctx);
    } catch (err) {
      if (!(err instanceof MissingEnvironmentError)) throw err;
      for (const variable of err.missing) missing.add(variable);
      return undefined;
    }
  };
  const registry: Partial<Record<PortName, () => unknown>> = {};
  for (const name of Object.keys(factories) as N[]) {
    const factory = factories[name] as CloudPortFactory<N>;
    registry[name] = () => collect(factory);
  }
  return {
    factories: registry as PortFactories<N>,
    context: ctx,
    collect,
    bind: <K extends PortName>(factory: CloudPortFactory<K>) => () => collect(factory) as Ports[K],
    check() {
      if (missing.size > 0) throw new MissingEnvironmentError(what, inEnvOrder(missing));
    },
  };
}

const ENV_ORDER: readonly string[] = Object.values(CLOUD_ENV);
const inEnvOrder = (names: ReadonlySet<string>): string[] => [...names].sort((a, b) => ENV_ORDER.indexOf(a) - ENV_ORDER.indexOf(b));

/** The table prefix of the function's tables (ABCA_TABLE_PREFIX). */
export const tablePrefixOf = (ctx: CloudContext): string => ctx.read(['tablePrefix']).tablePrefix;

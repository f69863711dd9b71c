/**
 * Every Lambda function of the platform: Node.js 22 on arm64 (Graviton: ~20% cheaper per GB-s),
 * its code bundled from a TypeScript entry file by the local esbuild (no Docker), Powertools
 * environment, a log group with a retention (not kept forever by default), and X-Ray active
 * tracing (each handler adds its own subsegment with Powertools Tracer: services/cloud/instrument.ts).
 *
 * The Powertools environment: the service name and log level; the namespace of the EMF metrics
 * (POWERTOOLS_METRICS_NAMESPACE, the deployment's: the stack sets METRICS_NAMESPACE_CONTEXT);
 * and how long secrets read through Powertools Parameters are cached (POWERTOOLS_PARAMETERS_MAX_AGE,
 * CDK context `secretMaxAgeSeconds`, default 300): a rotated secret is in use after at most that.
 *
 * With the context flag `abca:stubLambdaCode` the code is an inline stub instead of a bundle: the
 * assertion tests synthesize the whole stack in about a second per file that way, and one separate
 * test bundles everything for real (infra/test/bundled-synth.test.ts).
 */
import path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { DEFAULT_SECRET_MAX_AGE_SECONDS, SECRET_MAX_AGE_ENV, secretMaxAgeSeconds } from '../../services/adapters/secrets/secrets-manager-reader';
import { METRICS_NAMESPACE_ENV } from '../../services/kernel/metric-names';
import { acknowledge, acknowledgeWildcards, managedPolicyFinding } from '../nag';

/** The repository root: Lambda entries are given relative to it (as the catalog's lambdaEntry). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const STUB_CODE_CONTEXT = 'abca:stubLambdaCode';

/** Construct context: the namespace of the platform's EMF metrics (set by the stack: services/kernel/metric-names.ts metricsNamespace). */
export const METRICS_NAMESPACE_CONTEXT = 'abca:metricsNamespace';

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

export interface PlatformFunctionProps {
  /** Entry file relative to the repository root, exporting `handler`. */
  readonly entry: string;
  /** POWERTOOLS_SERVICE_NAME: how its log lines name it. */
  readonly serviceName: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly reservedConcurrentExecutions?: number;
  readonly environment?: Readonly<Record<string, string>>;
}

/** Every platform function and its entry file. */
const platformFunctions = new WeakMap<lambda.Function, string>();

/** Whether a construct is one of the platform's functions (the dashboard and alarms cover them all). */
export const isPlatformFunction = (c: unknown): c is lambda.Function => c instanceof lambda.Function && platformFunctions.has(c);

/** The entry file (relative to the repository root) a platform function is bundled from. */
export const entryOf = (fn: lambda.Function): string | undefined => platformFunctions.get(fn);

export function platformFunction(scope: Construct, id: string, props: PlatformFunctionProps): lambda.Function {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const namespace = scope.node.tryGetContext(METRICS_NAMESPACE_CONTEXT) as string | undefined;
  const secretMaxAge = secretMaxAgeOf(scope);
  const common = {
    runtime: LAMBDA_RUNTIME,
    architecture: lambda.Architecture.ARM_64,
    description: props.description,
    timeout: props.timeout,
    memorySize: props.memorySize ?? 512,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions,
    logGroup,
    environment: {
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_LOG_LEVEL: String(scope.node.tryGetContext('logLevel') ?? 'INFO'),
      ...(namespace ? { [METRICS_NAMESPACE_ENV]: namespace } : {}),
      [SECRET_MAX_AGE_ENV]: String(secretMaxAge),
      NODE_OPTIONS: '--enable-source-maps',
      ...props.environment,
    },
  };
  const fn = scope.node.tryGetContext(STUB_CODE_CONTEXT)
    ? new lambda.Function(scope, id, { ...common, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => { throw new Error('stub of ${props.entry}'); };`) })
    : new NodejsFunction(scope, id, {
        ...common,
        entry: path.join(REPO_ROOT, props.entry),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
        bundling: {
          // The local esbuild (a devDependency); no Docker engine needed.
          forceDockerBundling: false,
          format: OutputFormat.CJS,
          target: 'node22',
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          // The SDK is bundled too: the versions we test are the versions that run.
          externalModules: [],
        },
      });
  platformFunctions.set(fn, props.entry);
  activeTracing(scope, fn);
  acknowledge(fn, managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'), 'AWSLambdaBasicExecutionRole only lets the function write its own logs; AWS maintains it.');
  acknowledge(fn, 'AwsSolutions-L1', 'nodejs22.x is the runtime the platform is built and tested for (docs/ARCHITECTURE.md "Conventions"); moving to a newer one is a tested change, not a default.');
  return fn;
}

/** CDK context `secretMaxAgeSeconds` (default 300): how long a function keeps a secret before reading it again. */
function secretMaxAgeOf(scope: Construct): number {
  const value = scope.node.tryGetContext('secretMaxAgeSeconds') ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
  try {
    return secretMaxAgeSeconds({ [SECRET_MAX_AGE_ENV]: String(value) });
  } catch {
    throw new Error(`context "secretMaxAgeSeconds" must be a whole number of seconds (≥ 0; 0: read secrets on every use), got ${JSON.stringify(value)}`);
  }
}

/**
 * X-Ray active tracing, its permissions in one managed policy of the stack that every platform
 * function's role has: the `tracing` property would put them (on `*`: X-Ray has no resource-level
 * permissions) into each function's default policy, where acknowledging that wildcard would also
 * hide any later wildcard grant of the function.
 */
function activeTracing(scope: Construct, fn: lambda.Function): void {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  cfn.tracingConfig = { mode: lambda.Tracing.ACTIVE };
  const stack = Stack.of(scope);
  let policy = stack.node.tryFindChild(TRACING_POLICY_ID) as iam.ManagedPolicy | undefined;
  if (!policy) {
    policy = new iam.ManagedPolicy(stack, TRACING_POLICY_ID, {
      description: 'X-Ray active tracing of the platform functions',
      statements: [new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
    });
    acknowledgeWildcards(policy, /^Resource::\*$/, "X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions; this policy holds only them.");
  }
  fn.role!.addManagedPolicy(policy);
  cfn.addResourceDependency(policy.node.defaultChild as iam.CfnManagedPolicy); // Lambda refuses active tracing for a role that cannot write traces yet
}

const TRACING_POLICY_ID = 'PlatformFunctionTracing';

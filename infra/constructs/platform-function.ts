/**
 * Every Lambda function of the platform: Node.js 22 on arm64 (Graviton: ~20% cheaper per GB-s),
 * its code bundled from a TypeScript entry file by the local esbuild (no Docker), Powertools
 * environment, a log group with a retention (not kept forever by default).
 *
 * With the context flag `abca:stubLambdaCode` the code is an inline stub instead of a bundle: the
 * assertion tests synthesize the whole stack in about a second per file that way, and one separate
 * test bundles everything for real (infra/test/bundled-synth.test.ts).
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge, managedPolicyFinding } from '../nag';

/** The repository root: Lambda entries are given relative to it (as the catalog's lambdaEntry). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const STUB_CODE_CONTEXT = 'abca:stubLambdaCode';

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
  acknowledge(fn, managedPolicyFinding('service-role/AWSLambdaBasicExecutionRole'), 'AWSLambdaBasicExecutionRole only lets the function write its own logs; AWS maintains it.');
  acknowledge(fn, 'AwsSolutions-L1', 'nodejs22.x is the runtime the platform is built and tested for (docs/ARCHITECTURE.md "Conventions"); moving to a newer one is a tested change, not a default.');
  return fn;
}

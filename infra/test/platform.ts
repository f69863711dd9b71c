/**
 * The platform stack for the infra tests: the app made as `cdk synth` makes it (infra/app.ts, the
 * feature flags of cdk.json), with the Lambda code stubbed (abca:stubLambdaCode) unless a test
 * asks for real bundles. Synthesized once per test file and context (module-level cache).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CLOUD_ENV } from '../../services/cloud/env';
import { createApp } from '../app';
import { STUB_CODE_CONTEXT } from '../constructs/platform-function';
import type { PlatformStack } from '../platform-stack';

const CDK_JSON = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

export interface Synthesized {
  readonly app: App;
  readonly stack: PlatformStack;
  readonly template: Template;
}

const cache = new Map<string, Synthesized>();

// CDK's built-in CloudFormation rule check takes ~20 s per synth; `cdk synth` and the bundled
// synth test (synth.int.test.ts) run it. cdk-nag, a plugin of the app, runs on every synth here too.
process.env.CDK_VALIDATION ??= 'false';

/** The app as `cdk synth` makes it (cdk.json's context, then `context`), not yet synthesized. */
export function platformApp(context: Record<string, unknown> = {}, options: { readonly stubCode?: boolean; readonly outdir?: string } = {}) {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), context: { ...CDK_JSON.context, [STUB_CODE_CONTEXT]: options.stubCode ?? true, ...context } });
  return createApp(app);
}

/** The stack with stubbed code, synthesized once per context in a test file. */
export function synthPlatform(context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(context);
  let found = cache.get(key);
  if (!found) {
    const { app, stack } = platformApp(context);
    found = { app, stack, template: Template.fromStack(stack) };
    cache.set(key, found);
  }
  return found;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Resources of a type, by logical id. */
export const resourcesOf = (template: Template, type: string, props?: Json): Record<string, Json> => template.findResources(type, props === undefined ? undefined : { Properties: props });

/** The one resource of a type matching `props` (fails unless exactly one). */
export function oneResource(template: Template, type: string, props: Json): { id: string; resource: Json } {
  const found = Object.entries(template.findResources(type, { Properties: props }));
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  return { id: found[0]![0], resource: found[0]![1] };
}

/** The policy statements attached to a role (AWS::IAM::Policy resources naming it), by policy logical id. */
export function policiesOfRole(template: Template, roleLogicalId: string): Record<string, Json[]> {
  const out: Record<string, Json[]> = {};
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles ?? []) as Json[];
    if (roles.some((r) => r.Ref === roleLogicalId)) out[id] = policy.Properties.PolicyDocument.Statement as Json[];
  }
  return out;
}

/** Every action a role is allowed, over all its policies. */
export function actionsOfRole(template: Template, roleLogicalId: string): Set<string> {
  const actions = new Set<string>();
  for (const statements of Object.values(policiesOfRole(template, roleLogicalId))) {
    for (const st of statements) if (st.Effect === 'Allow') for (const a of [st.Action].flat()) actions.add(a as string);
  }
  return actions;
}

/** cdk-nag's AWS Solutions findings that nothing acknowledges (an empty list passes). */
export function nagFindings(stack: PlatformStack): string[] {
  const report = new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} (${v.severity}) at ${r.constructPath}: ${v.description}`));
}

/** Stand-ins for references whose value has a format the adapters check. */
const STAND_IN: Record<string, string> = { [CLOUD_ENV.userPoolId]: 'us-east-1_StandIn01' };

/** A function's environment as deployed, with CloudFormation references replaced by stand-in values. */
export function standInEnvironment(stack: Stack, fn: lambda.Function): Record<string, string> {
  const variables = stack.resolve((fn.node.defaultChild as lambda.CfnFunction).environment).variables as Record<string, unknown>;
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' ? v : (STAND_IN[k] ?? `stand-in-${k.toLowerCase().replace(/_/g, '-')}`)]));
}

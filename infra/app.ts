/**
 * The CDK app (`npx cdk synth`, `npx cdk deploy`; docs/DEPLOY.md). Synthesis needs no AWS account:
 * the stack is environment-agnostic unless CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (or the
 * context `account` / `region`) pin it, and Lambda code is bundled by the local esbuild.
 * cdk-nag's AWS Solutions rules run on every synth (a CDK validation plugin); a finding fails it.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './config';
import { PlatformStack } from './platform-stack';

export function createApp(app: App = new App()): { app: App; stack: PlatformStack } {
  const config = configFromContext(app.node);
  const account = app.node.tryGetContext('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = app.node.tryGetContext('region') ?? process.env.CDK_DEFAULT_REGION;
  const stack = new PlatformStack(app, `${config.prefix}-platform`, {
    config,
    description: 'ABCA: autonomous background coding agents (event-sourced platform)',
    ...(account || region ? { env: { account, region } } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}

if (require.main === module) createApp().app.synth();

/**
 * cdk-nag (v3: a CDK policy-validation plugin) acknowledgments, always with a reason, next to the
 * resource they concern:
 *
 *   acknowledge(construct, 'AwsSolutions-S1', 'why')           a rule on a construct and below it
 *   acknowledgeWildcards(construct, /\/index\/\*$/, 'why')     AwsSolutions-IAM5 findings whose
 *                                                              detail matches (on it and below)
 *
 * cdk-nag v3 acknowledges IAM5 findings one by one, by their exact text, which names CloudFormation
 * logical ids (`Resource::<EventStoreEventStoreA1B2.Arn>/index/*`). Spelling those by hand would
 * break at every rename, so `acknowledgeWildcards` records the intent and an aspect, at synthesis,
 * asks cdk-nag's own IAM5 rule for the findings of each policy and acknowledges those that match.
 * Nothing is acknowledged that no intent names: a new wildcard still fails the check.
 */
import { Aspects, CfnResource, Stack, Validations, type IAspect } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const IAM5 = 'AwsSolutions-IAM5';

interface Intent {
  readonly pattern: RegExp;
  readonly reason: string;
}

const intents = new WeakMap<IConstruct, Intent[]>();
const stacksWithAspect = new WeakSet<Stack>();

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The managed policy finding of AwsSolutions-IAM4 for an AWS managed policy name. */
export const managedPolicyFinding = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;

export function acknowledgeWildcards(scope: IConstruct, pattern: RegExp, reason: string): void {
  intents.set(scope, [...(intents.get(scope) ?? []), { pattern, reason }]);
  const stack = Stack.of(scope);
  if (!stacksWithAspect.has(stack)) {
    stacksWithAspect.add(stack);
    Aspects.of(stack).add(new AcknowledgeWildcards());
  }
}

class AcknowledgeWildcards implements IAspect {
  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    if (!Array.isArray(findings)) return;
    for (const finding of findings) {
      const intent = intentFor(node, finding);
      if (intent) acknowledge(node, `${IAM5}[${finding}]`, intent.reason);
    }
  }
}

function intentFor(node: IConstruct, finding: string): Intent | undefined {
  for (let current: IConstruct | undefined = node; current; current = current.node.scope) {
    const found = intents.get(current)?.find((i) => i.pattern.test(finding));
    if (found) return found;
  }
  return undefined;
}

/** Blueprints: one custom resource per onboarded repository, checked at synth time. */
import { Match } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthPlatform } from './platform';

const blueprints = [
  { repo: 'acme/app', config: { maxTurns: 50, verify: { test: ['npm test'] } } },
  { repo: 'acme/lib' },
];

test('one Custom::AbcaBlueprint per repository, with its config (computeType defaults to the deployment\'s compute)', () => {
  const { stack, template } = synthPlatform({ blueprints });
  const resources = Object.values(resourcesOf(template, 'Custom::AbcaBlueprint'));
  expect(resources.map((r) => [r.Properties.Repo, JSON.parse(r.Properties.Config)])).toEqual([
    ['acme/app', { computeType: 'agentcore', maxTurns: 50, verify: { test: ['npm test'] } }],
    ['acme/lib', { computeType: 'agentcore' }],
  ]);
  // One provider for all of them, backed by the blueprint handler, which may append to the event store.
  template.resourceCountIs('AWS::Lambda::Function', Object.keys(resourcesOf(synthPlatform().template, 'AWS::Lambda::Function')).length + 2);
  template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'blueprint', ABCA_TABLE_PREFIX: 'abca' }) } });
  expect(stack.blueprints).toHaveLength(2);
});

test('blueprints from cdk.json or -c: a JSON string is accepted too', () => {
  const { template } = synthPlatform({ blueprints: JSON.stringify([{ repo: 'acme/cli' }]) });
  template.hasResourceProperties('Custom::AbcaBlueprint', { Repo: 'acme/cli' });
});

test('a config the repo decider would refuse fails synthesis, naming the problem', () => {
  expect(() => synthPlatform({ blueprints: [{ repo: 'acme/app', config: { maxTurns: 0 } }] })).toThrow(/Blueprint acme\/app: .*maxTurns/);
  expect(() => synthPlatform({ blueprints: [{ repo: 'acme/app', config: { colour: 'blue' } }] })).toThrow(/colour is not a RepoConfig setting/);
  expect(() => synthPlatform({ blueprints: [{ repo: 'not-a-repo' }] })).toThrow(/owner\/name/);
});

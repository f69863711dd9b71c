/** The Blueprint custom resource's handler on DynamoDB Local: create, update, delete → the repo's events. */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createIsolatedTables, type IsolatedTables } from '../../../test/support/dynamo';
import { DynamoDbEventStore } from '../../kernel/dynamodb-event-store';
import { EVENTS_TABLE } from '../../kernel/tables';
import { repoStream } from '../../streams';
import { createBlueprintHandler } from './blueprint-handler';

let tables: IsolatedTables;
let store: DynamoDbEventStore;

beforeAll(async () => {
  tables = await createIsolatedTables([EVENTS_TABLE], 'bp');
  store = new DynamoDbEventStore({ client: tables.client, tableName: tables.name(EVENTS_TABLE) });
});
afterAll(async () => tables.drop());

const base = { ServiceToken: 'arn:aws:lambda:us-east-1:1:function:p', ResponseURL: 'https://example.com', StackId: 'arn:aws:cloudformation:us-east-1:1:stack/abca-platform/x', LogicalResourceId: 'Bp', ResourceType: 'Custom::AbcaBlueprint' };
const props = (repo: string, config: object) => ({ ServiceToken: base.ServiceToken, Repo: repo, Config: JSON.stringify(config) });

function request(type: 'Create' | 'Update' | 'Delete', repo: string, config: object, n: number): CloudFormationCustomResourceEvent {
  const common = { ...base, RequestId: `req-${n}`, ResourceProperties: props(repo, config) };
  if (type === 'Create') return { ...common, RequestType: 'Create' };
  if (type === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: repo, OldResourceProperties: props(repo, {}) };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: repo };
}

test('create onboards, an unchanged update appends nothing, a changed one records it, delete offboards', async () => {
  const handle = createBlueprintHandler(store, () => new Date('2030-01-01T00:00:00.000Z'));
  const repo = 'acme/blueprint-app';

  await expect(handle(request('Create', repo, { computeType: 'agentcore', maxTurns: 40 }, 1))).resolves.toEqual({ PhysicalResourceId: repo, Data: { Repo: repo, Outcome: 'appended' } });
  await expect(handle(request('Create', repo, { computeType: 'agentcore', maxTurns: 40 }, 1))).resolves.toMatchObject({ Data: { Outcome: 'noop' } }); // a retried request
  await expect(handle(request('Update', repo, { computeType: 'agentcore', maxTurns: 40 }, 2))).resolves.toMatchObject({ Data: { Outcome: 'noop' } });
  await expect(handle(request('Update', repo, { computeType: 'agentcore', maxTurns: 60 }, 3))).resolves.toMatchObject({ Data: { Outcome: 'appended' } });
  await expect(handle(request('Delete', repo, {}, 4))).resolves.toEqual({ PhysicalResourceId: repo, Data: { Repo: repo, Outcome: 'appended' } });
  await expect(handle(request('Delete', repo, {}, 5))).resolves.toMatchObject({ Data: { Outcome: 'noop' } });

  const events = await store.readStream(repoStream(repo));
  expect(events.map((e) => e.type)).toEqual(['RepoOnboarded', 'RepoConfigUpdated', 'RepoOffboarded']);
  expect(events[0]).toMatchObject({ data: { repo, config: { computeType: 'agentcore', maxTurns: 40 } }, metadata: { actor: 'system:cloudformation' }, causationId: 'cfn:req-1' });
  expect(events[1]).toMatchObject({ data: { config: { maxTurns: 60 } } });
});

test('a bad repository name or config fails the request with the reason (CloudFormation shows it)', async () => {
  const handle = createBlueprintHandler(store);
  await expect(handle(request('Create', 'nope', {}, 6))).rejects.toThrow(/Repo must be owner\/name/);
  await expect(handle(request('Create', 'acme/x', { maxTurns: -1 }, 7))).rejects.toThrow(/maxTurns/);
});

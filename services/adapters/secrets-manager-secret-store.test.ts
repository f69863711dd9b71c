/** The SecretStore port on Secrets Manager, against a client that keeps secrets in a map. */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretNameError } from '../ports/secret-store';
import { SecretsManagerSecretStore } from './secrets-manager-secret-store';

const named = (name: string) => Object.assign(new Error(name), { name });

function fakeSecretsManager() {
  const secrets = new Map<string, string>();
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, string | boolean> }) => {
      const name = command.constructor.name;
      const id = String(command.input.SecretId ?? command.input.Name);
      calls.push(`${name} ${id}`);
      switch (name) {
        case 'PutSecretValueCommand':
          if (!secrets.has(id)) throw named('ResourceNotFoundException');
          secrets.set(id, String(command.input.SecretString));
          return {};
        case 'CreateSecretCommand':
          if (secrets.has(id)) throw named('ResourceExistsException');
          secrets.set(id, String(command.input.SecretString));
          return {};
        case 'GetSecretValueCommand':
          if (!secrets.has(id)) throw named('ResourceNotFoundException');
          return { SecretString: secrets.get(id) };
        case 'DeleteSecretCommand':
          if (!secrets.delete(id)) throw named('ResourceNotFoundException');
          expect(command.input.ForceDeleteWithoutRecovery).toBe(true);
          return {};
      }
      throw new Error(`unexpected ${name}`);
    },
  } as unknown as Pick<SecretsManagerClient, 'send'>;
  return { client, secrets, calls };
}

test('put creates the secret under the prefix, then replaces its value; get reads it back; delete removes it at once', async () => {
  const sm = fakeSecretsManager();
  const store = new SecretsManagerSecretStore({ client: sm.client, prefix: 'abca/api/' });
  await store.put('webhook-1', 'first');
  await store.put('webhook-1', 'second');
  expect(await store.get('webhook-1')).toBe('second');
  expect(sm.secrets).toEqual(new Map([['abca/api/webhook-1', 'second']]));
  await store.delete('webhook-1');
  await store.delete('webhook-1'); // gone already: fine
  expect(await store.get('webhook-1')).toBeUndefined();
  expect(sm.calls).toEqual([
    'PutSecretValueCommand abca/api/webhook-1',
    'CreateSecretCommand abca/api/webhook-1',
    'PutSecretValueCommand abca/api/webhook-1',
    'GetSecretValueCommand abca/api/webhook-1',
    'DeleteSecretCommand abca/api/webhook-1',
    'DeleteSecretCommand abca/api/webhook-1',
    'GetSecretValueCommand abca/api/webhook-1',
  ]);
});

test('two puts racing to create: the loser writes its value instead of failing', async () => {
  const sm = fakeSecretsManager();
  const store = new SecretsManagerSecretStore({ client: sm.client, prefix: 'p/' });
  const put = sm.client.send.bind(sm.client);
  let raced = false;
  (sm.client as { send: unknown }).send = async (command: { constructor: { name: string } }) => {
    if (command.constructor.name === 'CreateSecretCommand' && !raced) {
      raced = true;
      sm.secrets.set('p/w', 'theirs'); // another writer created it meanwhile
    }
    return put(command as never);
  };
  await store.put('w', 'ours');
  expect(sm.secrets.get('p/w')).toBe('ours');
});

test('names and values are checked as by every SecretStore', async () => {
  const store = new SecretsManagerSecretStore({ client: fakeSecretsManager().client, prefix: 'p/' });
  await expect(store.get('../x')).rejects.toThrow(SecretNameError);
  await expect(store.put('ok', '')).rejects.toThrow(RangeError);
});

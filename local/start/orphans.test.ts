import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { leftoverDynamoDbLocals } from './orphans';

let proc: string;
beforeEach(() => (proc = mkdtempSync(path.join(os.tmpdir(), 'abca-start-proc-'))));
afterEach(() => rmSync(proc, { recursive: true, force: true }));

const fakeProcess = (pid: number, argv: string[]) => {
  mkdirSync(path.join(proc, String(pid)));
  writeFileSync(path.join(proc, String(pid), 'cmdline'), `${argv.join('\0')}\0`);
};

test('only DynamoDB Local processes on exactly this data directory are leftovers', () => {
  const jar = ['/usr/bin/java', '-Djava.library.path=/x/DynamoDBLocal_lib', '-jar', '/x/DynamoDBLocal.jar', '-port', '1234', '-disableTelemetry'];
  fakeProcess(101, [...jar, '-dbPath', '/srv/abca/dynamodb', '-sharedDb']);
  fakeProcess(102, [...jar, '-dbPath', '/srv/other/dynamodb', '-sharedDb']);
  fakeProcess(103, [...jar, '-inMemory', '-sharedDb']);
  fakeProcess(104, ['/usr/bin/vim', '-dbPath', '/srv/abca/dynamodb']);
  mkdirSync(path.join(proc, 'self'));
  expect(leftoverDynamoDbLocals('/srv/abca', proc)).toEqual([101]);
  expect(leftoverDynamoDbLocals('/srv/abca', path.join(proc, 'missing'))).toEqual([]);
});

/**
 * On one machine, the table's writers and its stream poller share a process: the poller need not
 * guess when to read again. `onTableWrites(client, table, listener)` calls `listener` after every
 * successful write to `table` made through `client` (PutItem, UpdateItem, DeleteItem,
 * BatchWriteItem, TransactWriteItems naming it) — the poller's `wake()`. Writes made elsewhere
 * (another process) are still found by the poller's idle reads.
 *
 * Returns a function that removes the hook.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

interface WriteInput {
  readonly TableName?: string;
  readonly RequestItems?: Record<string, unknown>;
  readonly TransactItems?: ReadonlyArray<Record<string, { readonly TableName?: string } | undefined>>;
}

/** Whether a write command's input touches `table`. */
function writesTo(commandName: string, input: WriteInput, table: string): boolean {
  if (!WRITES.has(commandName)) return false;
  if (input.TableName === table) return true;
  if (input.RequestItems && table in input.RequestItems) return true;
  return (input.TransactItems ?? []).some((item) => Object.values(item).some((op) => op?.TableName === table));
}

let hooks = 0;

export function onTableWrites(client: DynamoDBClient, table: string, listener: () => void): () => void {
  const name = `abca-write-signal-${++hooks}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      try {
        if (writesTo(String(context.commandName ?? ''), args.input as WriteInput, table)) listener();
      } catch {
        // A listener's failure never fails the write.
      }
      return result;
    },
    { step: 'initialize', name },
  );
  return () => {
    client.middlewareStack.remove(name);
  };
}

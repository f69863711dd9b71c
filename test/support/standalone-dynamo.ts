/**
 * DynamoDB Local outside jest (benchmarks, scripts that reuse the test support): jest's global
 * setup is what normally starts it and sets DYNAMODB_ENDPOINT, which `testEndpoint()` (and so
 * `startTestPlatform` / `startApiTestbed`) reads. This does the same for one process: it reuses
 * DYNAMODB_ENDPOINT when set, otherwise starts an in-memory DynamoDB Local and sets the variable
 * until `stop()`.
 */
import { startDynamoDbLocal } from '../../local/dynamodb-local/launcher';

export interface StandaloneDynamo {
  readonly endpoint: string;
  /** True when this process started it (false: DYNAMODB_ENDPOINT was reused). */
  readonly started: boolean;
  /** Stops what was started here (a reused endpoint is left alone). */
  stop(): Promise<void>;
}

export async function ensureDynamoDbLocal(options: { readonly log?: (msg: string) => void } = {}): Promise<StandaloneDynamo> {
  const existing = process.env.DYNAMODB_ENDPOINT;
  if (existing) return { endpoint: existing, started: false, stop: async () => undefined };
  const db = await startDynamoDbLocal({ inMemory: true, log: options.log });
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  return {
    endpoint: db.endpoint,
    started: true,
    async stop() {
      if (process.env.DYNAMODB_ENDPOINT === db.endpoint) delete process.env.DYNAMODB_ENDPOINT;
      await db.stop();
    },
  };
}

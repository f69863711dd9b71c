/** Jest global teardown: stop the DynamoDB Local that global-setup started (a reused endpoint is left alone). */
export default async function globalTeardown(): Promise<void> {
  const db = globalThis.__ABCA_DYNAMODB_LOCAL__;
  if (!db) return;
  globalThis.__ABCA_DYNAMODB_LOCAL__ = undefined;
  // In watch mode the next run's setup must start a fresh instance, not "reuse" this dead endpoint.
  if (process.env.DYNAMODB_ENDPOINT === db.endpoint) delete process.env.DYNAMODB_ENDPOINT;
  await db.stop();
}

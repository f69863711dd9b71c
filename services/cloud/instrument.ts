/**
 * Powertools around every Lambda handler of the platform: Tracer (X-Ray) and the flush of the
 * invocation's metrics (services/kernel/metrics.ts).
 *
 *   export const handler = instrumented('publisher', (event: DynamoDBStreamEvent) => publish(event));
 *
 * Tracing is on in Lambda, where the CDK app turns on active tracing (infra/constructs/
 * platform-function.ts): each invocation gets a subsegment `## <name>` under Lambda's segment,
 * annotated ColdStart and Service, with a thrown error as metadata (responses are not recorded:
 * some carry secrets, such as a new webhook's). SDK clients made with `traced()` add a subsegment
 * per AWS call, and Powertools traces outgoing HTTPS calls (GitHub). Anywhere else — the embedded
 * platform, tests, tools — Powertools Tracer turns itself off (it is on only in a Lambda execution
 * environment, and POWERTOOLS_TRACE_ENABLED=false turns it off there too): no X-Ray daemon is ever
 * called and nothing is logged, and `traced()` returns the client unchanged.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { flushMetrics } from '../kernel/metrics';

let shared: Tracer | undefined;

/** The function's tracer (one per process; its service name is POWERTOOLS_SERVICE_NAME). */
export const tracer = (): Tracer => (shared ??= new Tracer());

/** An AWS SDK v3 client whose calls are traced (the client itself when tracing is off). */
export function traced<C>(client: C): C {
  const t = tracer();
  return t.isTracingEnabled() ? t.captureAWSv3Client(client) : client;
}

/** `handler`, traced per invocation, with the invocation's metrics flushed when it ends (also when it throws). */
export function instrumented<A extends unknown[], R>(name: string, handler: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const t = tracer();
    if (!t.isTracingEnabled()) {
      try {
        return await handler(...args);
      } finally {
        flushMetrics();
      }
    }
    const segment = t.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${name}`);
    if (subsegment) t.setSegment(subsegment);
    t.annotateColdStart();
    t.addServiceNameAnnotation();
    try {
      return await handler(...args);
    } catch (err) {
      t.addErrorAsMetadata(err as Error);
      throw err;
    } finally {
      subsegment?.close();
      if (segment) t.setSegment(segment);
      flushMetrics();
    }
  };
}

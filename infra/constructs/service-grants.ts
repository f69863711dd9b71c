/**
 * What each platform function may do, per capability (services/ports/ports.ts Capability): the one
 * place that turns a capability into IAM statements, so a service gets exactly the capabilities
 * of the ports its catalog entry lists.
 */
import { Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PROGRESS_TABLES } from '../../projections/progress-view/tables';
import { VIEW_TABLES } from '../../projections/tables';
import { MEMORY_TABLE } from '../../services/adapters/memory/tables';
import { IDEMPOTENCY_TABLE } from '../../services/kernel/tables';
import type { AgentCompute } from './agent-compute';
import type { BlobStore } from './blob-store';
import type { EventStore } from './event-store';
import type { PlatformTables } from './platform-tables';
import type { Scheduler } from './scheduler';
import type { ServiceGrants } from './service';
import { acknowledgeWildcards } from '../nag';

export interface ServiceGrantParts {
  readonly bus: events.IEventBus;
  readonly eventStore: EventStore;
  readonly tables: PlatformTables;
  readonly blobs: BlobStore;
  readonly scheduler: Scheduler;
  readonly compute: AgentCompute;
  readonly gitToken: secretsmanager.ISecret;
  /** The Bedrock guardrail of hydration's screening, when the deployment has one. */
  readonly guardrail?: { readonly id: string; readonly version: string };
}

export function serviceGrants(parts: ServiceGrantParts): ServiceGrants {
  return {
    base(fn, entry) {
      parts.eventStore.grantAppend(fn);
      // Views are derived data (rebuilt from the event store at any time): every service may read and write them.
      for (const table of parts.tables.tablesOf([...VIEW_TABLES, ...PROGRESS_TABLES])) table.grantReadWriteData(fn);
      if (!entry.idempotentByConstruction) parts.tables.table(IDEMPOTENCY_TABLE).grantReadWriteData(fn);
      acknowledgeWildcards(fn, /^Resource::.*\/index\/\*$/, "Table grants include the tables' indexes (queries by user, status, stream type).");
    },
    capabilities: {
      bus: (fn) => parts.bus.grantPutEventsTo(fn),
      compute: (fn) => parts.compute.grantSessions(fn),
      scheduler: (fn) => parts.scheduler.grantManage(fn),
      git: (fn) => parts.gitToken.grantRead(fn),
      blobs(fn) {
        fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'Blobs', actions: ['s3:GetObject', 's3:PutObject'], resources: [parts.blobs.objectsArn()] }));
        acknowledgeWildcards(fn, /^Resource::<BlobStore.*\.Arn>\/\*$/, 'Blob keys are made per task at run time (prompts/<taskId>/..., nudges/<taskId>/...); the grant is objects of the platform bucket only.');
      },
      memory: (fn) => parts.tables.table(MEMORY_TABLE).grantReadWriteData(fn),
      screening(fn) {
        if (!parts.guardrail) return; // the rule-based screen runs in process
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            sid: 'Guardrail',
            actions: ['bedrock:ApplyGuardrail'],
            resources: [parts.guardrail.id.startsWith('arn:') ? parts.guardrail.id : Stack.of(fn).formatArn({ service: 'bedrock', resource: 'guardrail', resourceName: parts.guardrail.id })],
          }),
        );
      },
    },
  };
}

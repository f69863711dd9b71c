/** Cloud factory of the scheduler (EventBridge Scheduler: its group, its role, the bus it targets). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeScheduler } from '../../adapters/scheduler/eventbridge-scheduler';
import type { CloudPortFactory } from '../cloud-ports';
import { traced } from '../instrument';

export const cloudScheduler: CloudPortFactory<'scheduler'> = (ctx) => {
  const v = ctx.read(['schedulerGroup', 'schedulerRoleArn', 'eventBusArn'], ['schedulerDeadLetterArn']);
  return new EventBridgeScheduler({
    client: traced(new SchedulerClient({})),
    groupName: v.schedulerGroup,
    eventBusArn: v.eventBusArn,
    roleArn: v.schedulerRoleArn,
    ...(v.schedulerDeadLetterArn ? { deadLetterQueueArn: v.schedulerDeadLetterArn } : {}),
  });
};

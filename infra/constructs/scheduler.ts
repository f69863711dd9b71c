/**
 * EventBridge Scheduler for session deadlines (services/tasks/session/deadline.ts through
 * services/adapters/scheduler/eventbridge-scheduler.ts) and any other one-time schedule of the platform:
 * - a schedule group of its own (the services may only touch schedules in it);
 * - the role Scheduler assumes to deliver: PutEvents on the platform's bus, and SendMessage to the
 *   dead-letter queue that keeps what it could not deliver;
 * - `grantManage`: create, update and delete schedules of the group, and pass that role (to
 *   Scheduler only).
 * (Recurring schedules of the catalog, such as the watchdog's sweep, are EventBridge schedule rules:
 * see service.ts.)
 */
import { Stack } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from '../nag';
import { CLOUD_ENV } from '../../services/cloud/env';
import { DeadLetterQueue } from './dead-letter-queue';

export class Scheduler extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: DeadLetterQueue;
  /** ARN pattern of the group's schedules. */
  readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: { readonly prefix: string; readonly bus: events.IEventBus }) {
    super(scope, id);
    const stack = Stack.of(this);
    const groupName = `${props.prefix}-deadlines`;
    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: groupName });
    this.schedulesArn = stack.formatArn({ service: 'scheduler', resource: 'schedule', resourceName: `${groupName}/*` });
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue');
    this.role = new iam.Role(this, 'DeliveryRole', {
      description: 'EventBridge Scheduler: puts the platform\'s scheduled events on its bus.',
      // Only schedules of this account's group may use it (confused-deputy guard; Scheduler names the group as the source).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnEquals: { 'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: groupName }) } },
      }),
    });
    props.bus.grantPutEventsTo(this.role);
    this.deadLetterQueue.grantSendMessages(this.role);
  }

  /** The variables services read (services/cloud/env.ts). */
  get environment(): Record<string, string> {
    return {
      [CLOUD_ENV.schedulerGroup]: this.group.scheduleGroupName,
      [CLOUD_ENV.schedulerRoleArn]: this.role.roleArn,
      [CLOUD_ENV.schedulerDeadLetterArn]: this.deadLetterQueue.queueArn,
    };
  }

  grantManage(grantee: iam.IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'DeadlineSchedules', actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'], resources: [this.schedulesArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    if (Construct.isConstruct(grantee)) {
      acknowledgeWildcards(grantee, /^Resource::arn:.+:scheduler:.+:schedule\/[^/]+\/\*$/, "Schedules are created per task at run time (deadline-<taskId>): the grant covers the platform's own schedule group only.");
    }
  }
}

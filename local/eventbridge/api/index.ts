/** The operations the local EventBridge serves, by `X-Amz-Target` name (`AWSEvents.<Operation>`). */
import { createArchive, deleteArchive, describeArchive, listArchives } from './archives';
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './buses';
import {
  createApiDestination,
  createConnection,
  deleteApiDestination,
  deleteConnection,
  describeApiDestination,
  describeConnection,
  listApiDestinations,
  listConnections,
} from './connections';
import type { Handler } from './context';
import { putEvents, testEventPattern } from './events';
import { cancelReplay, describeReplay, listReplays, startReplay } from './replays';
import { deleteRule, describeRule, disableRule, enableRule, listRuleNamesByTarget, listRules, putRule } from './rules';
import { listTargetsByRule, putTargets, removeTargets } from './targets';

export type { ApiContext, Handler } from './context';

export const OPERATIONS: Readonly<Record<string, Handler>> = {
  PutEvents: putEvents,
  TestEventPattern: testEventPattern,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: enableRule,
  DisableRule: disableRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  PutTargets: putTargets,
  ListTargetsByRule: listTargetsByRule,
  RemoveTargets: removeTargets,
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  DeleteEventBus: deleteEventBus,
  CreateArchive: createArchive,
  DescribeArchive: describeArchive,
  ListArchives: listArchives,
  DeleteArchive: deleteArchive,
  StartReplay: startReplay,
  DescribeReplay: describeReplay,
  ListReplays: listReplays,
  CancelReplay: cancelReplay,
  CreateConnection: createConnection,
  DescribeConnection: describeConnection,
  ListConnections: listConnections,
  DeleteConnection: deleteConnection,
  CreateApiDestination: createApiDestination,
  DescribeApiDestination: describeApiDestination,
  ListApiDestinations: listApiDestinations,
  DeleteApiDestination: deleteApiDestination,
};

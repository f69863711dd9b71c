/**
 * Lambda entry of the task-view projection (its catalog entry's lambdaEntry; the CDK app bundles it): its own
 * catalog entry, with the cloud factories of its ports, and nothing else of the platform.
 */
import { cloudStore, cloudTaskViews } from '../../services/cloud/ports/dynamodb';
import { lambdaHandler } from '../../services/cloud/lambda-handler';
import { taskViewEntry } from './catalog-entry';

export const handler = lambdaHandler(taskViewEntry, { store: cloudStore, taskViews: cloudTaskViews });

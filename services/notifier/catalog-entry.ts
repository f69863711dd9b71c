/**
 * The Slack notifier's catalog entry (services/catalog.ts lists it): a rule and an API destination,
 * no code. Its pattern, input transformer and retry policy come from ./notifier.ts; the CDK app
 * (infra/constructs/notifications.ts) and the embedded platform (local/platform/wire-notifier.ts)
 * wire them from this entry, only when a Slack webhook is configured.
 */
import { defineEntry } from '../catalog-entry';
import { NOTIFIER_RETRY, NOTIFIER_RULE } from './notifier';

export const notifierEntry = defineEntry({
  kind: 'rule-target',
  name: 'notifier',
  description: NOTIFIER_RULE.description,
  pattern: NOTIFIER_RULE.pattern,
  target: 'api-destination',
  inputTransformer: NOTIFIER_RULE.inputTransformer,
  retry: NOTIFIER_RETRY,
  requires: 'slack-webhook',
  emits: [],
});

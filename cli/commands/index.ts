/** Every command of bgagent, in the order of the help. */
import type { CommandSpec } from '../command';
import { apiKeyCreate, apiKeyList, apiKeyRevoke } from './api-key';
import { cancel } from './cancel';
import { configure } from './configure';
import { events } from './events';
import { list } from './list';
import { nudge } from './nudge';
import { replay } from './replay';
import { repoList, repoOnboard } from './repo';
import { status } from './status';
import { submit } from './submit';
import { watch } from './watch';
import { webhookCreate, webhookList, webhookRevoke } from './webhook';

export const COMMANDS: readonly CommandSpec[] = [
  configure,
  submit,
  list,
  status,
  watch,
  events,
  cancel,
  nudge,
  replay,
  webhookCreate,
  webhookList,
  webhookRevoke,
  apiKeyCreate,
  apiKeyList,
  apiKeyRevoke,
  repoOnboard,
  repoList,
];

/** Commands with subcommands: `webhook`, `api-key`, `repo`. */
export const GROUPS: Readonly<Record<string, string>> = {
  webhook: 'Webhooks that let external systems create tasks',
  'api-key': 'API keys for scripts and CI',
  repo: 'Onboarded repositories',
};

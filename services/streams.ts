/** The streams of the domain, by id: one place that spells `Task#<id>`, `User#<id>`, `Repo#<owner/name>`, `ApiKey#<keyId>`, `Webhook#<webhookId>`. */
import type { StreamRef } from './kernel/envelope';

export const taskStream = (taskId: string): StreamRef => ({ type: 'Task', id: taskId });
export const userStream = (userId: string): StreamRef => ({ type: 'User', id: userId });
export const repoStream = (repo: string): StreamRef => ({ type: 'Repo', id: repo });
export const apiKeyStream = (keyId: string): StreamRef => ({ type: 'ApiKey', id: keyId });
export const webhookStream = (webhookId: string): StreamRef => ({ type: 'Webhook', id: webhookId });

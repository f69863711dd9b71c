/** Every REST route the forge serves. */
import { issueRoutes } from './issues';
import { pullRoutes } from './pulls';
import { repoRoutes } from './repos';
import type { Route } from './router';

export const ROUTES: readonly Route[] = [...repoRoutes, ...issueRoutes, ...pullRoutes];

/** Cloud factory of the git provider: GitHub, with the token from Secrets Manager (read on use, cached for the secret max age). */
import type { CloudPortFactory } from '../cloud-ports';
import { secretsOf } from './secrets';
import { LazyGitProvider } from '../lazy-git-provider';

export const cloudGit: CloudPortFactory<'git'> = (ctx) => {
  const { gitTokenSecretArn } = ctx.read(['gitTokenSecretArn']);
  const secrets = secretsOf(ctx);
  return LazyGitProvider.github((options) => secrets(gitTokenSecretArn, options));
};

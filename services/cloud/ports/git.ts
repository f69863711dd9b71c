/** Cloud factory of the git provider: GitHub, with the token from Secrets Manager (read on the first call). */
import { secretsOf, type CloudPortFactory } from '../cloud-ports';
import { LazyGitProvider } from '../lazy-git-provider';

export const cloudGit: CloudPortFactory<'git'> = (ctx) => {
  const { gitTokenSecretArn } = ctx.read(['gitTokenSecretArn']);
  const secrets = secretsOf(ctx);
  return LazyGitProvider.github(() => secrets(gitTokenSecretArn));
};

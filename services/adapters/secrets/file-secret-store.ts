/**
 * SecretStore on a local folder (one machine's stand-in for Secrets Manager): each secret is its
 * own file `<dir>/<name>`, mode 0600, in a folder of mode 0700 (made so on first use), both owned
 * by the platform's user.
 *
 *   - Names are checked against SECRET_NAME (no `/`, no `..`, nothing starting with `.`), so a
 *     name can never reach outside the folder; the resolved path is checked as well.
 *   - Writes are atomic: the value goes to a temporary file (created 0600, exclusively) that is
 *     flushed and renamed over the secret's file (then the folder is flushed), so a reader sees the
 *     old or the new secret, never half of one, and a crash leaves at worst a
 *     `.<name>.<random>.tmp` file (never a valid name, so never read).
 *   - Reads do not follow symbolic links (O_NOFOLLOW).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { checkSecretName, MAX_SECRET_BYTES, type SecretStore } from '../../ports/secret-store';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class FileSecretStore implements SecretStore {
  /** The folder, as an absolute path. */
  readonly dir: string;
  private ready: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async put(name: string, value: string): Promise<void> {
    const file = this.pathOf(name);
    if (typeof value !== 'string' || value.length === 0 || Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
      throw new RangeError(`secret ${name}: the value must be a non-empty string of at most ${MAX_SECRET_BYTES} bytes`);
    }
    await this.ensureDir();
    const tmp = path.join(this.dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE);
    try {
      await handle.writeFile(value, 'utf8');
      await handle.chmod(FILE_MODE); // whatever the umask did
      await handle.sync();
    } catch (err) {
      await handle.close();
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await handle.close();
    try {
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await this.syncDir();
  }

  async get(name: string): Promise<string | undefined> {
    const file = this.pathOf(name);
    let handle;
    try {
      handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await unlink(this.pathOf(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** The file of a secret; throws SecretNameError for a name that is not valid. */
  pathOf(name: string): string {
    checkSecretName(name);
    const file = path.resolve(this.dir, name);
    if (path.dirname(file) !== this.dir) throw new Error(`secret ${name} resolves outside ${this.dir}`);
    return file;
  }

  /** Makes the rename durable (the folder's entry), where the platform allows opening a folder. */
  private async syncDir(): Promise<void> {
    let dirHandle;
    try {
      dirHandle = await open(this.dir, constants.O_RDONLY);
      await dirHandle.sync();
    } catch {
      // Not supported everywhere (e.g. Windows); the rename itself is still atomic.
    } finally {
      await dirHandle?.close();
    }
  }

  private ensureDir(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.dir, { recursive: true, mode: DIR_MODE });
      await chmod(this.dir, DIR_MODE);
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }
}

/**
 * Ports: is a port free (checked before anything starts, so a busy API port fails fast with a
 * clear message), and the forge's "sticky" port — the port of the previous run when it is still
 * free, so clone and pull-request URLs keep working across restarts.
 */
import net from 'node:net';
import path from 'node:path';
import { readIfExists, writeFileAtomic } from './files';

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly what: string, readonly flag: string) {
    super(`${what} port ${port} is already in use (another \`npm start\`, or another server: see \`ss -ltnp | grep :${port}\`). Choose another with ${flag} <port> (0 picks a free one).`);
    this.name = 'PortInUseError';
  }
}

/** Whether `port` can be bound on `host` right now (0 is always free). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(false) : reject(err)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

const stateFile = (dataDir: string) => path.join(dataDir, 'state.json');

interface StartState {
  readonly forge_port?: number;
}

function readState(dataDir: string): StartState {
  try {
    const parsed = JSON.parse(readIfExists(stateFile(dataDir)) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as StartState) : {};
  } catch {
    return {};
  }
}

/** The forge port to ask for: the one given, else the previous run's when free, else 0 (any). */
export async function forgePortFor(dataDir: string, given: number | undefined): Promise<number> {
  if (given !== undefined) {
    if (!(await isPortFree(given))) throw new PortInUseError(given, 'The forge', '--forge-port');
    return given;
  }
  const previous = readState(dataDir).forge_port;
  if (typeof previous === 'number' && Number.isInteger(previous) && previous > 0 && previous <= 65535 && (await isPortFree(previous))) return previous;
  return 0;
}

export function rememberForgePort(dataDir: string, port: number): void {
  writeFileAtomic(stateFile(dataDir), `${JSON.stringify({ ...readState(dataDir), forge_port: port }, null, 2)}\n`, 0o644);
}

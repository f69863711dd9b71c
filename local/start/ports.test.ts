import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { forgePortFor, isPortFree, PortInUseError, rememberForgePort } from './ports';

const listen = () =>
  new Promise<net.Server>((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;
const close = (s: net.Server) => new Promise((r) => s.close(r));

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'abca-start-ports-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ports', () => {
  test('a busy port is not free; 0 always is', async () => {
    const server = await listen();
    try {
      expect(await isPortFree(portOf(server))).toBe(false);
      expect(await isPortFree(0)).toBe(true);
    } finally {
      await close(server);
    }
  });

  test('the forge keeps the previous port when it is free, else any; a given busy port is refused', async () => {
    expect(await forgePortFor(dir, undefined)).toBe(0);
    const server = await listen();
    const busy = portOf(server);
    try {
      rememberForgePort(dir, busy);
      expect(await forgePortFor(dir, undefined)).toBe(0);
      await expect(forgePortFor(dir, busy)).rejects.toThrow(PortInUseError);
      await expect(forgePortFor(dir, busy)).rejects.toThrow(/--forge-port/);
    } finally {
      await close(server);
    }
    expect(await forgePortFor(dir, undefined)).toBe(busy);
  });
});

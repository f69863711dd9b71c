import { shutdownHandler } from './shutdown';

describe('Ctrl-C handling', () => {
  const setup = (stop: () => Promise<void> = () => Promise.resolve()) => {
    let clock = 1_000;
    const said: string[] = [];
    const exits: number[] = [];
    const stops: string[] = [];
    const handle = shutdownHandler({
      say: (l) => said.push(l),
      exit: (c) => exits.push(c),
      now: () => clock,
      stop: async (signal) => {
        stops.push(signal);
        await stop();
      },
    });
    return { handle, said, exits, stops, advance: (ms: number) => (clock += ms) };
  };
  const flush = () => new Promise((r) => setImmediate(r));

  test('the first signal stops cleanly and exits 0', async () => {
    const t = setup();
    t.handle('SIGINT');
    await flush();
    expect(t.stops).toEqual(['SIGINT']);
    expect(t.exits).toEqual([0]);
    expect(t.said.join('\n')).toMatch(/stopping ABCA[\s\S]*ABCA stopped\./);
  });

  test('a failed stop exits 1 with the reason', async () => {
    const t = setup(() => Promise.reject(new Error('disk gone')));
    t.handle('SIGTERM');
    await flush();
    expect(t.exits).toEqual([1]);
    expect(t.said.at(-1)).toMatch(/disk gone/);
  });

  test('the same keypress relayed twice is ignored; a real second Ctrl-C forces the exit (130)', async () => {
    let release!: () => void;
    const t = setup(() => new Promise<void>((r) => (release = r)));
    t.handle('SIGINT');
    t.advance(50);
    t.handle('SIGINT'); // npm / tsx relaying the same Ctrl-C
    expect(t.exits).toEqual([]);
    t.advance(2_000);
    t.handle('SIGINT');
    expect(t.exits).toEqual([130]);
    expect(t.stops).toEqual(['SIGINT']);
    release();
    await flush();
  });
});

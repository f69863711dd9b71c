import { parseStreamKey, sourceOf, streamKey } from './envelope';

test('stream keys round-trip, including ids that contain # and /', () => {
  for (const s of [{ type: 'Task', id: '01HX' }, { type: 'Repo', id: 'acme/widgets' }, { type: 'User', id: 'a#b' }] as const) {
    expect(parseStreamKey(streamKey(s))).toEqual(s);
  }
  expect(() => parseStreamKey('Nope#x')).toThrow(/not a stream key/);
  expect(() => parseStreamKey('Task')).toThrow(/not a stream key/);
});

test('sources are abca.<kebab stream type>', () => {
  expect(sourceOf({ type: 'Task', id: 'x' })).toBe('abca.task');
  expect(sourceOf({ type: 'ApiKey', id: 'x' })).toBe('abca.api-key');
});

import { checkLimit, decodeCursor, encodeCursor, InvalidCursorError, pageOf } from './cursor';

const userA = { kind: 'user', key: 'user-a' };

test('a cursor round-trips within its scope and is base64url', () => {
  const cursor = encodeCursor(userA, '2025-01-01T00:00:00.000Z#t1');
  expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(decodeCursor(cursor, userA)).toBe('2025-01-01T00:00:00.000Z#t1');
});

test('a cursor of another listing is refused', () => {
  const cursor = encodeCursor(userA, 'x');
  expect(() => decodeCursor(cursor, { kind: 'user', key: 'user-b' })).toThrow(InvalidCursorError);
  expect(() => decodeCursor(cursor, { kind: 'status', key: 'user-a' })).toThrow(/another listing/);
});

test.each(['', 'not base64!', Buffer.from('{"v":2,"k":"user","s":"user-a","a":"x"}').toString('base64url'), Buffer.from('null').toString('base64url'), Buffer.from('[').toString('base64url')])(
  'garbage is refused: %j',
  (cursor) => {
    expect(() => decodeCursor(cursor, userA)).toThrow(InvalidCursorError);
  },
);

test('pageOf: a cursor only when there is more', () => {
  expect(pageOf([1, 2], 2, userA, String)).toEqual({ items: [1, 2] });
  const page = pageOf([1, 2, 3], 2, userA, String);
  expect(page.items).toEqual([1, 2]);
  expect(decodeCursor(page.nextCursor!, userA)).toBe('2');
});

test('checkLimit', () => {
  expect(() => checkLimit(1)).not.toThrow();
  expect(() => checkLimit(0)).toThrow(RangeError);
  expect(() => checkLimit(1.5)).toThrow(RangeError);
  expect(() => checkLimit(100_000)).toThrow(RangeError);
});

import { truncate } from './text';

describe('truncate', () => {
  it('keeps short text', () => expect(truncate('abc', 3)).toBe('abc'));
  it('cuts long text to max characters, ending with …', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4)).toHaveLength(4);
  });
  it('never splits a surrogate pair', () => {
    const cut = truncate(`ab${'😀'.repeat(5)}`, 4); // a b \uD83D \uDE00 ...
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

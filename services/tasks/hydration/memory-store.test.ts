/** Relevance ranking and the token cap of memory recall. */
import { capToTokens, rankByRelevance, terms } from './memory-store';

const now = new Date('2025-06-01T00:00:00Z');

test('terms: lowercased words without stopwords', () => {
  expect(terms('Fix THE Login-page, and the DB')).toEqual(['fix', 'login', 'page', 'db']);
});

test('rare matching terms outrank common ones; recency breaks near-ties; non-matching items are dropped', () => {
  const items = [
    { id: 'common', text: 'build build tests', createdAt: '2025-05-31T00:00:00Z' },
    { id: 'rare', text: 'oauth refresh in build', createdAt: '2025-01-01T00:00:00Z' },
    { id: 'other', text: 'build docs', createdAt: '2025-05-31T00:00:00Z' },
    { id: 'none', text: 'unrelated', createdAt: '2025-05-31T00:00:00Z' },
  ];
  const ranked = rankByRelevance(items, 'oauth refresh', now);
  expect(ranked.map((i) => i.id)).toEqual(['rare']);
  const byRecency = rankByRelevance(items, 'build', now).map((i) => i.id);
  expect(byRecency).not.toContain('none');
  expect(byRecency[byRecency.length - 1]).toBe('rare');
});

test('capToTokens keeps the leading items that fit and skips ones too big', () => {
  const items = [{ text: 'a'.repeat(40) }, { text: 'b'.repeat(400) }, { text: 'c'.repeat(40) }];
  expect(capToTokens(items, 25).map((i) => i.text[0])).toEqual(['a', 'c']);
});

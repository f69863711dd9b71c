import fc from 'fast-check';
import { branchName, branchSlugSource, FALLBACK_SLUG, MAX_SLUG_LENGTH, slugify } from './branch-name';

const ULID = '01JH5Z8Q3W4E5R6T7Y8U9I0OPA';

describe('slugify', () => {
  it.each([
    ['Fix the login bug', 'fix-the-login-bug'],
    ['  Add   README   ', 'add-readme'],
    ['Fix bug #123: NPE in Parser.parse()', 'fix-bug-123-npe-in-parser-parse'],
    ['--already-dashed--', 'already-dashed'],
    ['UPPER_and_snake_case', 'upper-and-snake-case'],
    ['Corrigé le problème de l’élève', 'corrige-le-probleme-de-l-eleve'],
    ['Ｆｕｌｌｗｉｄｔｈ ﬁle', 'fullwidth-file'],
    ['Straße bauen', 'stra-e-bauen'],
    ['🚀 Ship the 🔥 feature 🎉', 'ship-the-feature'],
    ['修复登录错误', FALLBACK_SLUG],
    ['修复 login 错误', 'login'],
    ['!!!???...', FALLBACK_SLUG],
    ['', FALLBACK_SLUG],
    ['   ', FALLBACK_SLUG],
    ['issue-42', 'issue-42'],
  ])('%j → %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });

  it('falls back to "task" for null / undefined', () => {
    expect(slugify(null)).toBe(FALLBACK_SLUG);
    expect(slugify(undefined)).toBe(FALLBACK_SLUG);
  });

  it('cuts long text to 50 characters and trims a trailing dash left by the cut', () => {
    const long = 'implement the new authentication flow with oauth2 and refresh tokens everywhere';
    const slug = slugify(long);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toBe('implement-the-new-authentication-flow-with-oauth2');
    // character 50 is a separator: the cut would end with "-"
    const text = `${'a'.repeat(49)} bcd`;
    expect(slugify(text)).toBe('a'.repeat(49));
  });

  it('handles 10,000 characters of text', () => {
    const slug = slugify('word '.repeat(2000));
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('always yields lowercase alphanumerics separated by single dashes', () => {
    for (const text of ['A--B__C', '..x..', 'Ünïcödé 🎉 ÀÉÎ', 'a\nb\tc', '\u0000\u200b zero width']) {
      expect(slugify(text)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });
});

describe('branchName', () => {
  it('is bgagent/<taskId>/<slug>', () => {
    expect(branchName(ULID, 'Fix the login bug')).toBe(`bgagent/${ULID}/fix-the-login-bug`);
  });

  it('uses issue-<n> when there is no description', () => {
    expect(branchName(ULID, branchSlugSource(null, 42))).toBe(`bgagent/${ULID}/issue-42`);
    expect(branchName(ULID, branchSlugSource('   ', 42))).toBe(`bgagent/${ULID}/issue-42`);
    expect(branchName(ULID, branchSlugSource('Do it', 42))).toBe(`bgagent/${ULID}/do-it`);
    expect(branchName(ULID, branchSlugSource(null, null))).toBe(`bgagent/${ULID}/task`);
  });

  it('keeps the task id segment safe for a git ref and the name within 120 characters', () => {
    expect(branchName('gh:owner/repo#12@x..y', 'x')).toBe('bgagent/gh-owner-repo-12-x-y/x');
    const name = branchName('A'.repeat(128), 'word '.repeat(100));
    expect(name.length).toBeLessThanOrEqual(120);
    expect(name).not.toMatch(/\.\.|@\{|[:~^?*[\\ ]|\/$|\.lock$/);
  });
});

describe('branch name properties', () => {
  it('any text gives a valid slug and any schema-valid task id a git-safe name of at most 120 characters', () => {
    const taskId = fc.stringMatching(/^[A-Za-z0-9._:@|/#-]{1,128}$/);
    fc.assert(
      fc.property(taskId, fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: null }), (id, text) => {
        const slug = slugify(text);
        expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
        const name = branchName(id, text);
        expect(name.length).toBeLessThanOrEqual(120);
        expect(name).toMatch(/^bgagent\/[A-Za-z0-9_-]+\/[a-z0-9-]+$/);
      }),
      { numRuns: 300 },
    );
  });
});

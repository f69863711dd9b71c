/**
 * The command line every generated document shares (scripts/generated-doc.ts): `--check` exits 1 on
 * a stale file and 0 once regenerated; a bad argument exits 2. Run through both generators' `main`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as apiDocs } from '../../scripts/api-docs';
import { main as choreographyDocs } from '../../scripts/choreography-docs';

describe.each([
  ['docs:api', apiDocs, 'API.md'],
  ['docs:choreography', choreographyDocs, 'CHOREOGRAPHY.md'],
])('npm run %s', (_script, main, name) => {
  it('--check exits 1 on a stale file and 0 once it is regenerated; a bad argument exits 2', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-generated-doc-'));
    const file = path.join(dir, name);
    const quiet = { write: () => true };
    try {
      writeFileSync(file, '# stale\n');
      await expect(main(['--check', '--file', file], quiet, quiet)).resolves.toBe(1);
      await expect(main(['--file', file], quiet, quiet)).resolves.toBe(0);
      await expect(main(['--check', '--file', file], quiet, quiet)).resolves.toBe(0);
      await expect(main(['--bogus'], quiet, quiet)).resolves.toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

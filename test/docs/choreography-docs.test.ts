/**
 * docs/CHOREOGRAPHY.md is generated from the catalog (scripts/choreography-docs.ts). This fails when
 * the committed file differs from a fresh generation: an entry added, or its pattern, emits, ports
 * or retry settings changed, without `npm run docs:choreography`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG, serviceEntry } from '../../services/catalog';
import { assertUpToDate } from '../../scripts/generated-doc';
import { CHOREOGRAPHY_DOC, CHOREOGRAPHY_DOCS_PATH, clausesOf, diagram, main, renderChoreographyDocs } from '../../scripts/choreography-docs';

describe('docs/CHOREOGRAPHY.md', () => {
  it('is what `npm run docs:choreography` generates from the catalog', () => {
    const fresh = renderChoreographyDocs();
    assertUpToDate(CHOREOGRAPHY_DOC, readFileSync(CHOREOGRAPHY_DOCS_PATH, 'utf8'), fresh);
  });

  it('has a row per consumer, and a change to an entry changes the document', () => {
    const committed = readFileSync(CHOREOGRAPHY_DOCS_PATH, 'utf8');
    for (const entry of CATALOG) expect(committed).toContain(`\n| ${entry.name} | ${entry.kind} | `);
    const finalizer = serviceEntry('finalizer');
    const changed = CATALOG.map((e) => (e === finalizer ? { ...finalizer, emits: [...finalizer.emits, 'TaskTimedOut' as const] } : e));
    expect(renderChoreographyDocs(changed)).not.toBe(renderChoreographyDocs());
    expect(diagram(changed)).toContain('  c_finalizer --> e_TaskTimedOut');
  });

  it('draws event → consumer → emitted events, with the API as the source of commands', () => {
    const lines = diagram(CATALOG);
    expect(lines).toEqual(expect.arrayContaining(['  e_TaskAdmitted --> c_hydration', '  c_hydration --> e_ContextHydrated', '  t_http --> c_api', '  c_api --> e_TaskSubmitted', '  s_abca_task --> c_task_view']));
  });

  it('refuses a pattern it cannot describe rather than drawing it wrong', () => {
    expect(clausesOf({ source: ['abca.task'], 'detail-type': ['TaskSubmitted'] }, 'x')).toEqual([{ sources: ['abca.task'], detailTypes: ['TaskSubmitted'] }]);
    expect(() => clausesOf({ source: ['abca.task'], detail: { data: { code: ['INTERNAL'] } } }, 'x')).toThrow(/x: the pattern .* is not described by the choreography generator/);
  });

  it('--check exits 1 on a stale file and 0 once regenerated', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'abca-choreography-'));
    const file = path.join(dir, 'CHOREOGRAPHY.md');
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

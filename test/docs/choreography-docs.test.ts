/**
 * docs/CHOREOGRAPHY.md is generated from the catalog (scripts/choreography-docs.ts). This fails when
 * the committed file differs from a fresh generation: an entry added, or its pattern, emits, ports
 * or retry settings changed, without `npm run docs:choreography`.
 */
import { readFileSync } from 'node:fs';
import { CATALOG, serviceEntry } from '../../services/catalog';
import { assertUpToDate } from '../../scripts/generated-doc';
import { CHOREOGRAPHY_DOC, CHOREOGRAPHY_DOCS_PATH, clausesOf, diagram, renderChoreographyDocs } from '../../scripts/choreography-docs';

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
});

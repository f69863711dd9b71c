/**
 * What each catalog entry says it emits is what its code can append: for every entry, the events
 * its Lambda handlers can append — read from the code by ./emitted-events.ts (the commands each
 * handler reaches, mapped through its deciders' command → event tables; direct appends by their
 * events' types) — equal its `emits`. A service that starts issuing a command whose events its
 * entry does not list, or a decider command that starts emitting a new event (its table must say
 * so, or the decider tests fail), fails here; so does an entry listing an event its code cannot
 * append. Deliberate violations (./fixtures/emits-*.ts) show the check failing.
 */
import path from 'node:path';
import { CATALOG, lambdaFunctionsOf, serviceEntry } from '../../services/catalog';
import { EmitAnalyzer, emitsMismatch, type CommandEventsTable, type DeciderRef, type EmitAnalysis } from './emitted-events';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = ['test/architecture/fixtures/emits-extra-command.ts', 'test/architecture/fixtures/emits-direct-append.ts', 'test/architecture/fixtures/emits-unresolvable.ts'];

/** A decider's commandEvents table, from the module that declares it. */
function tableOf({ file, name }: DeciderRef): CommandEventsTable | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const decider = (require(path.join(ROOT, file)) as Record<string, { readonly commandEvents?: CommandEventsTable } | undefined>)[name];
  return decider?.commandEvents;
}

let analyzer: EmitAnalyzer;
const analyses = new Map<string, EmitAnalysis>();
const analysisOf = (file: string): EmitAnalysis => {
  let found = analyses.get(file);
  if (!found) analyses.set(file, (found = analyzer.analyze(file)));
  return found;
};

beforeAll(() => {
  // One program for every handler of the catalog and the fixtures; the checker works lazily.
  analyzer = new EmitAnalyzer(ROOT, [...CATALOG.flatMap((e) => lambdaFunctionsOf(e).map((f) => f.lambdaEntry)), ...FIXTURES], tableOf);
}, 300_000);

describe.each(CATALOG.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
  test("emits exactly what its handlers' code can append", () => {
    const results = lambdaFunctionsOf(entry).map((fn) => analysisOf(fn.lambdaEntry));
    expect(results.flatMap((r) => r.problems)).toEqual([]);
    const derived = [...new Set(results.flatMap((r) => r.events))].sort();
    const mismatch = emitsMismatch(entry.name, entry.emits, derived);
    if (mismatch) {
      const sites = results.flatMap((r) => r.sites.map((s) => `  ${s.at} ${s.how} → ${s.events.join(', ')}`));
      throw new Error(`${mismatch}\nwhere its code appends:\n${sites.join('\n') || '  nowhere'}`);
    }
  });
});

test('the analysis follows the real code: the deciders a service reaches, with the commands it gives them', () => {
  const admission = analysisOf('services/users/admission/handler.ts');
  // decideForUser's command is a parameter: its reached call sites say which commands (not ExpireQueue, which only the watchdog issues).
  expect(admission.sites.map((s) => s.how)).toEqual(expect.arrayContaining(['decide(userDecider, ReleaseSlot | RequestAdmission)', 'decide(taskDecider, AdmitTask | FailTask | QueueTask)']));
  expect(analysisOf('services/tasks/watchdog/handler.ts').sites.map((s) => s.how)).toContain('decide(userDecider, ExpireQueue | ReleaseSlot | RequestAdmission)');
  // What a handler reaches is its service and its ports' adapters, not the rest of the platform.
  expect(admission.files).toContain('services/users/admission/admission.ts');
  expect(admission.files).not.toContain('services/tasks/hydration/hydrate-task.ts');
  expect(analysisOf('services/api/handler.ts').sites.map((s) => s.how)).toContain('decide(taskDecider, SubmitTask)');
  expect(analysisOf('projections/task-view/handler.ts').sites).toEqual([]);
});

describe('deliberate violations', () => {
  test('a service that starts issuing a command whose events its entry does not list fails the check', () => {
    const cancellation = serviceEntry('cancellation');
    const derived = analysisOf(FIXTURES[0]!);
    expect(derived.problems).toEqual([]);
    expect(derived.events).toEqual(['TaskCancelled', 'TaskTimedOut']);
    expect(emitsMismatch(cancellation.name, cancellation.emits, derived.events)).toBe("cancellation: its code can append TaskTimedOut, which its catalog entry's emits does not list");
    // and the other way round: an entry listing what its code cannot append
    expect(emitsMismatch('cancellation', ['TaskCancelled', 'TaskFailed'], analysisOf(serviceEntry('cancellation').lambdaEntry).events)).toBe(
      "cancellation: its catalog entry's emits lists TaskFailed, which its code cannot append",
    );
  });

  test('an append that bypasses the deciders is counted by its events', () => {
    const derived = analysisOf(FIXTURES[1]!);
    expect(derived.sites).toEqual([{ at: 'test/architecture/fixtures/emits-direct-append.ts:7', how: 'direct append', events: ['TaskFailed'] }]);
  });

  test('an append whose decider cannot be told is a problem, never nothing', () => {
    expect(analysisOf(FIXTURES[2]!).problems).toEqual([
      'test/architecture/fixtures/emits-unresolvable.ts:10: handleCommand with a decider that is not a variable of the repository (DECIDERS.task)',
    ]);
  });
});

/**
 * The documentation cannot rot silently:
 *   - every repository path written in backticks in README.md and docs/*.md exists;
 *   - every relative link in them points at a file that exists, and at a heading that exists;
 *   - a section reference in a comment (`docs/ARCHITECTURE.md "The event store"`) names a heading
 *     of that document;
 *   - nothing in the repository points at the design notes outside it (the sibling `shared` folder,
 *     or their numbered sections): the README, the docs and the comments reference only files here;
 *   - the task status diagram of docs/ARCHITECTURE.md is the transition table the code folds with,
 *     and the document names every event type and every consumer of the catalog, with its kind.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EVENT_SCHEMAS } from '../../schemas/generated/registry';
import { CATALOG } from '../../services/catalog';
import { STATUS_AFTER_EVENT, TASK_STATUSES } from '../../services/tasks/task/task-state';
import { headingSlug } from '../../scripts/api-docs';

const ROOT = path.resolve(__dirname, '..', '..');
/** Never part of the repository: dependencies, data and build output. */
const NOT_REPOSITORY = new Set(['node_modules', '.git', '.abca', 'cdk.out', 'dist', 'coverage']);
const TOP_LEVEL = new Set(readdirSync(ROOT).filter((name) => !NOT_REPOSITORY.has(name)));

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const DOCS = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Lines outside fenced code blocks, with their numbers. */
function proseLines(text: string): Array<{ line: string; n: number }> {
  const out: Array<{ line: string; n: number }> = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) out.push({ line, n: i + 1 });
  });
  return out;
}

/** The words of inline code spans that are repository paths (their first segment is a top-level entry). */
export function repositoryPathsIn(text: string): Array<{ path: string; n: number }> {
  const found: Array<{ path: string; n: number }> = [];
  for (const { line, n } of proseLines(text)) {
    for (const span of line.matchAll(/`([^`]+)`/g)) {
      for (const raw of span[1]!.split(/\s+/)) {
        const word = raw.replace(/^[("']+|[)"',.;]+$/g, '').replace(/^\.\//, '');
        if (word === '' || /[<>*{}$:~=|@]/.test(word)) continue;
        const first = word.split('/')[0]!;
        if (!TOP_LEVEL.has(first)) continue;
        if (!word.includes('/') && statSync(path.join(ROOT, first)).isDirectory()) continue; // a bare word that happens to name a folder
        found.push({ path: word.replace(/\/$/, ''), n });
      }
    }
  }
  return found;
}

/** GitHub's anchors of a Markdown document's headings (a repeated heading gets -1, -2, ...). */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { line } of proseLines(text)) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = headingSlug(heading[1]!.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  return anchors;
}

function headingsOf(text: string): Set<string> {
  return new Set(proseLines(text).flatMap(({ line }) => /^#{1,6}\s+(.+?)\s*$/.exec(line)?.[1] ?? []));
}

/** Every text file of the repository (what git would track: no dependencies, data or build output). */
function repositoryFiles(dir = ROOT): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_REPOSITORY.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...repositoryFiles(full));
    else if (entry.isFile() && entry.name !== 'package-lock.json' && statSync(full).size < 2_000_000) files.push(path.relative(ROOT, full));
  }
  return files;
}

describe('documentation paths', () => {
  it.each(DOCS)('every repository path in backticks in %s exists', (doc) => {
    const missing = repositoryPathsIn(read(doc)).filter((p) => !existsSync(path.join(ROOT, p.path)));
    expect(missing.map((p) => `${doc}:${p.n} ${p.path}`)).toEqual([]);
  });

  const markdown = repositoryFiles().filter((f) => f.endsWith('.md'));
  it.each(markdown)('every relative link in %s points at a file and a heading that exist', (doc) => {
    const broken: string[] = [];
    for (const { line, n } of proseLines(read(doc))) {
      for (const link of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = link[1]!;
        if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const resolved = file === '' ? doc : path.normalize(path.join(path.dirname(doc), file));
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${doc}:${n} ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) broken.push(`${doc}:${n} ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds paths in code spans and ignores what is not a repository path', () => {
    const text = ['`services/kernel/` and `npm run docs:api` and `tsx scripts/api-docs.ts`,', '`.abca/admin.key` `demo/hello` `bgagent/<taskId>/<slug>` `~/.bgagent/config.json`', '```', '`agent/nowhere.ts`', '```'].join('\n');
    expect(repositoryPathsIn(text).map((p) => p.path)).toEqual(['services/kernel', 'scripts/api-docs.ts']);
  });
});

describe('references', () => {
  const files = repositoryFiles();
  const self = path.relative(ROOT, __filename);

  it('nothing points at the design notes outside the repository', () => {
    const outside = [new RegExp(['\\.\\.', 'shared', ''].join('/')), new RegExp(['shared', '(API|ARCHITECTURE)\\.md'].join('/')), new RegExp('(ARCHITECTURE|API)(\\.md)?\\s*' + '\u00a7')];
    const hits: string[] = [];
    for (const file of files) {
      if (file === self) continue;
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      if (text.includes('\u0000')) continue;
      text.split('\n').forEach((line, i) => {
        if (outside.some((re) => re.test(line))) hits.push(`${file}:${i + 1} ${line.trim().slice(0, 120)}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('a section reference in a comment or doc names a heading of that document', () => {
    const docs = new Map<string, Set<string>>();
    const broken: string[] = [];
    for (const file of files) {
      if (!/\.(ts|js|mjs|md)$/.test(file) || file === self) continue;
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const ref of text.matchAll(/docs\/([A-Z]+\.md),? "([^"]+)"/g)) {
        const doc = `docs/${ref[1]}`;
        if (!docs.has(doc)) docs.set(doc, existsSync(path.join(ROOT, doc)) ? headingsOf(read(doc)) : new Set());
        if (!docs.get(doc)!.has(ref[2]!)) broken.push(`${file}: ${ref[0]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('docs/ARCHITECTURE.md', () => {
  const text = read('docs/ARCHITECTURE.md');

  it('draws the task status diagram from the transition table the code folds with', () => {
    const diagram = /```mermaid\nstateDiagram-v2\n([\s\S]*?)```/.exec(text)?.[1];
    expect(diagram).toBeDefined();
    const edges = [...diagram!.matchAll(/^\s*(\[\*\]|\w+) --> (\[\*\]|\w+)(?:: (\w+))?\s*$/gm)].map((m) => ({ from: m[1]!, to: m[2]!, event: m[3] }));
    const table = STATUS_AFTER_EVENT as Readonly<Record<string, string | null>>;
    for (const edge of edges.filter((e) => e.event !== undefined)) {
      expect({ ...edge, to: table[edge.event!] ?? `(${edge.event} changes no status)` }).toEqual(edge);
    }
    // Every status is drawn, and every event that moves a task somewhere leads there in the diagram.
    const drawn = new Set(edges.flatMap((e) => [e.from, e.to]));
    expect(TASK_STATUSES.filter((s) => !drawn.has(s))).toEqual([]);
    const moving = Object.entries(table).filter(([, to]) => to !== null);
    expect(moving.filter(([event, to]) => !edges.some((e) => e.event === event && e.to === to)).map(([event]) => event)).toEqual([]);
  });

  it('names every event type', () => {
    const missing = Object.keys(EVENT_SCHEMAS).filter((type) => !new RegExp(`\\b${type}\\b`).test(text));
    expect(missing).toEqual([]);
  });

  it('lists every consumer of the catalog, with its kind', () => {
    const rows = proseLines(text).map(({ line }) => line.split('|').map((c) => c.trim()));
    const missing = CATALOG.filter((entry) => !rows.some((cells) => cells[1]?.split(/,\s*/).includes(entry.name) && cells[2] === entry.kind));
    expect(missing.map((e) => `${e.name} (${e.kind})`)).toEqual([]);
  });
});

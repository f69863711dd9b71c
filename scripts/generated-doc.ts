/**
 * What every generated document shares (docs/API.md, docs/CHOREOGRAPHY.md): the command line
 * `[--check] [--file PATH]` that writes the file or checks it against a fresh generation, and the
 * message a drift test gives. Exit codes: 0 written / up to date, 1 stale (or missing), 2 bad arguments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Output {
  write(text: string): unknown;
}

export interface GeneratedDoc {
  /** The npm script that writes it: `docs:api`. */
  readonly script: string;
  readonly defaultPath: string;
  /** What it is generated from, for messages: `the OpenAPI document the API serves`. */
  readonly source: string;
}

/** Runs the command line of a generated document; `fresh` is its freshly generated text. */
export async function runGeneratedDoc(doc: GeneratedDoc, fresh: () => string | Promise<string>, argv: readonly string[], out: Output, err: Output): Promise<number> {
  let check = false;
  let file = doc.defaultPath;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--check') check = true;
    else if (arg === '--file' && argv[i + 1] !== undefined) file = path.resolve(argv[++i]!);
    else {
      err.write(`usage: npm run ${doc.script} [-- [--check] [--file PATH]]\n  unknown or incomplete argument: ${arg}\n`);
      return 2;
    }
  }
  const text = await fresh();
  const relative = path.relative(process.cwd(), file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing: stale by definition
    }
    if (current === text) {
      out.write(`${relative} is up to date with ${doc.source}\n`);
      return 0;
    }
    err.write(`${relative} differs from ${doc.source}: run \`npm run ${doc.script}\` and commit the result\n`);
    return 1;
  }
  writeFileSync(file, text);
  out.write(`wrote ${relative}\n`);
  return 0;
}

/** Throws, naming the first differing line, when the committed document is not the fresh one (drift tests). */
export function assertUpToDate(doc: GeneratedDoc, committed: string, fresh: string): void {
  if (committed === fresh) return;
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const at = a.findIndex((line, i) => line !== b[i]);
  const line = at < 0 ? Math.min(a.length, b.length) : at;
  const name = path.relative(path.resolve(__dirname, '..'), doc.defaultPath);
  throw new Error(
    `${name} is stale: run \`npm run ${doc.script}\` and commit it.\nFirst difference at line ${line + 1}:\n  committed: ${JSON.stringify(a[line] ?? '<end of file>')}\n  generated: ${JSON.stringify(b[line] ?? '<end of file>')}`,
  );
}

/** The entry point of a generator script: exit with the command line's code. */
export function runAsScript(doc: GeneratedDoc, main: (argv: readonly string[]) => number | Promise<number>): void {
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => process.exit(code),
      (e: Error) => {
        process.stderr.write(`${doc.script}: ${e.message}\n`);
        process.exit(1);
      },
    );
}

/**
 * A small Dockerfile parser for the image's tests (dockerfile.test.ts, stage-build.ts) and
 * the dependency rules (test/architecture): comments, line continuations, stages, ARG defaults
 * before FROM, and the sources each COPY takes from the build context.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly from: string;
  readonly name: string | null;
  readonly instructions: Instruction[];
}

export interface Dockerfile {
  readonly args: Record<string, string>;
  readonly stages: Stage[];
}

const AGENT_DOCKERFILE = path.join(__dirname, '..', 'Dockerfile');

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let buffer = '';
  let startLine = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (!buffer && (/^\s*#/.test(line) || !line.trim())) return;
    if (!buffer) startLine = i + 1;
    if (/^\s*#/.test(line)) return; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    const full = (buffer + line).trim();
    buffer = '';
    const m = /^(\S+)\s*(.*)$/s.exec(full)!;
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim(), line: startLine });
  });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args)!;
      const from = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => globalArgs[a ?? b] ?? '');
      stages.push({ from, name: m[2] ?? null, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const [name, value = ''] = ins.args.split('=');
        globalArgs[name!] = value;
      }
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { args: globalArgs, stages };
}

const readDockerfile = (file: string = AGENT_DOCKERFILE): Dockerfile => parseDockerfile(readFileSync(file, 'utf8'));

/** One COPY from the build context (not `--from=<stage>`): its sources and where they go. */
export interface ContextCopy {
  readonly sources: readonly string[];
  readonly destination: string;
  readonly line: number;
}

/** The COPY instructions of a stage that take files from the build context (flags such as --chown dropped). */
export function contextCopies(stage: Stage): ContextCopy[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' && !/(^|\s)--from=/.test(i.args))
    .map((i) => {
      if (i.args.startsWith('[')) throw new Error(`line ${i.line}: the JSON form of COPY is not supported here`);
      const words = i.args.split(' ').filter((w) => !w.startsWith('--'));
      return { sources: words.slice(0, -1).map((s) => s.replace(/^\.\//, '').replace(/\/$/, '')), destination: words.at(-1)!, line: i.line };
    });
}

/** The stage named `name` (throws when there is none). */
export function stageNamed(dockerfile: Dockerfile, name: string): Stage {
  const stage = dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage;
}

/** What the build stage copies from the repository (files and folders, relative to the root). */
export function buildStageSources(dockerfile: Dockerfile = readDockerfile()): string[] {
  return contextCopies(stageNamed(dockerfile, 'build')).flatMap((c) => c.sources);
}

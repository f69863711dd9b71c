/**
 * The repository's import graph, as the TypeScript compiler sees it: every `.ts` file's imports
 * (`import`, `import type`, `export … from`, `require(…)`, `import(…)`, `typeof import(…)`), found by
 * `ts.preProcessFile` and resolved with the repository's compiler options. Only imports of the
 * repository's own files become edges; packages (`@aws-sdk/…`, `node:…`) are left out.
 *
 * Paths are POSIX and relative to the root (`agent/main.ts`), so the rules in dependency-rules.ts
 * work the same on a synthetic graph (their unit tests) as on the real tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ImportEdge {
  /** The importing file, relative to the root. */
  readonly from: string;
  /** The imported file, relative to the root; null when a relative import does not resolve. */
  readonly to: string | null;
  /** The module specifier as written. */
  readonly specifier: string;
  /** 1-based line of the specifier in `from`. */
  readonly line: number;
}

export interface ImportGraph {
  /** Every `.ts` file found (relative paths, sorted). */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
}

/** Folders never walked: dependencies, build output, VCS and local data. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'cdk.out', '.git', '.abca', 'coverage']);

/** Every `.ts` file under `root` (no `.d.ts`), as relative POSIX paths. */
function listTsFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(dir, entry.name));
      } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        out.push(path.relative(root, path.join(dir, entry.name)).split(path.sep).join('/'));
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The compiler options of `<root>/tsconfig.json` (module resolution, JSON modules), or sensible defaults. */
function compilerOptionsOf(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) return { moduleResolution: ts.ModuleResolutionKind.Node10, resolveJsonModule: true };
  return ts.parseJsonConfigFileContent(read.config, ts.sys, root).options;
}

/** Builds the import graph of every `.ts` file under `root`. */
export function buildImportGraph(root: string): ImportGraph {
  const absRoot = path.resolve(root);
  const options = compilerOptionsOf(absRoot);
  const files = listTsFiles(absRoot);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const abs = path.join(absRoot, file);
    const text = readFileSync(abs, 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const imported of importedFiles) {
      const specifier = imported.fileName;
      if (!specifier.startsWith('.')) continue; // a package or a node: builtin
      const resolved = ts.resolveModuleName(specifier, abs, options, ts.sys).resolvedModule?.resolvedFileName;
      const to = resolved ? path.relative(absRoot, resolved).split(path.sep).join('/') : null;
      const line = text.slice(0, imported.pos).split('\n').length;
      edges.push({ from: file, to, specifier, line });
    }
  }
  return { files, edges };
}

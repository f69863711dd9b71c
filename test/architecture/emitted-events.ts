/**
 * What a Lambda handler's code can append to the event store, read from the code with the
 * TypeScript compiler (the catalog's emit check: ./catalog-emits.test.ts).
 *
 * Every event is appended through a decider: the command handler's `handleCommand(store, decider,
 * stream, command, ...)`, or `decider.decide(command, state)` inside `runCommand` (whose events a
 * body hands to `tx.emit`). So a consumer can emit exactly what its commands can decide, and each
 * decider says what each of its commands can emit (its `commandEvents` table, services/kernel/decider.ts,
 * which every decider test checks `decide` keeps to). The analysis:
 *
 *   1. Reach. From the handler file, follow every identifier to its declaration (functions,
 *      variables, classes, object properties; imports resolved to the declaration they name), as a
 *      bundler's tree-shaking does: what is reached is the code the handler can run. Type positions
 *      are skipped. The kernel (services/kernel/) is not entered: its command handler takes the
 *      decider and the command as parameters, so its callers are what is judged.
 *   2. Find the appends in what was reached:
 *        handleCommand(store, D, stream, C, ...)    D's table, C's command types
 *        D.decide(C, state)                          D's table, C's command types
 *        tx.emit(stream, E)                          E's event types, unless E is (a variable holding) a decide call, counted above
 *        store.append(R) / store.appendMany(Rs)      the event types of R's events (a direct append)
 *   3. Resolve D and C. The decider is a variable (taskDecider, userDecider, ...) whose
 *      `commandEvents` table the caller looks up. A command's types are the string-literal types of
 *      its `type` property, from the type checker: `{ type: 'EndSession', ...ended }` is EndSession,
 *      a variable of type `AdmitTask | QueueTask | FailTask` is those three. When D or C is a
 *      parameter of the enclosing function, the arguments at that function's reached call sites
 *      are used instead (so `decideForUser(tx, id, { type: 'RequestAdmission', ... })` counts
 *      RequestAdmission, not every User command).
 *
 * Anything that cannot be resolved (a decider that is not a variable, a command whose type is not a
 * set of literals, events of unknown types) is a problem, and the check fails on it: the analysis
 * never silently under-counts. It may over-count: a code path the data never takes still counts
 * (the admission service can reach the FailTask of an expired queue entry, which only ExpireQueue
 * causes), which is what "can emit" means here.
 */
import path from 'node:path';
import ts from 'typescript';

/** A decider variable, by its file (relative to the repository root) and name. */
export interface DeciderRef {
  readonly file: string;
  readonly name: string;
}

/** A decider's command → event table (its `commandEvents`). */
export type CommandEventsTable = Readonly<Record<string, readonly string[]>>;

export interface EmitSite {
  /** file:line, relative to the repository root. */
  readonly at: string;
  /** What appends there, e.g. `handleCommand(taskDecider, EndSession)`. */
  readonly how: string;
  readonly events: readonly string[];
}

export interface EmitAnalysis {
  /** Every event type the code can append. */
  readonly events: readonly string[];
  readonly sites: readonly EmitSite[];
  /** Appends whose events could not be told: the check fails on any. */
  readonly problems: readonly string[];
  /** Files of the repository the handler reaches (a sanity figure for the tests). */
  readonly files: readonly string[];
}

/** How what an entry declares differs from what its code can emit, in words (null: they agree). */
export function emitsMismatch(name: string, declared: readonly string[], derived: readonly string[]): string | null {
  const unlisted = derived.filter((e) => !declared.includes(e));
  const unused = declared.filter((e) => !derived.includes(e));
  const lines = [
    ...(unlisted.length ? [`${name}: its code can append ${unlisted.join(', ')}, which its catalog entry's emits does not list`] : []),
    ...(unused.length ? [`${name}: its catalog entry's emits lists ${unused.join(', ')}, which its code cannot append`] : []),
  ];
  return lines.length ? lines.join('\n') : null;
}

const KERNEL = 'services/kernel/';
const COMMAND_HANDLER = 'services/kernel/command-handler.ts';
const DECIDER = 'services/kernel/decider.ts';
const EVENT_STORE = 'services/kernel/event-store.ts';

export class EmitAnalyzer {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  /**
   * One program for every handler (`entryFiles`, relative to `root`), type-checked lazily.
   * `tableOf` gives a decider's commandEvents table (undefined: it has none).
   */
  constructor(
    private readonly root: string,
    entryFiles: readonly string[],
    private readonly tableOf: (decider: DeciderRef) => CommandEventsTable | undefined,
  ) {
    const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    this.program = ts.createProgram(
      entryFiles.map((f) => path.join(root, f)),
      { ...parsed.options, noEmit: true, types: ['node'] },
    );
    this.checker = this.program.getTypeChecker();
  }

  analyze(entryFile: string): EmitAnalysis {
    const source = this.program.getSourceFile(path.join(this.root, entryFile));
    if (!source) throw new Error(`${entryFile} is not in the program (give it to the EmitAnalyzer's entry files)`);
    const reached = this.reach(source);
    const sites: EmitSite[] = [];
    const problems: string[] = [];
    for (const call of reached.calls) this.judge(call, reached.calls, sites, problems);
    const events = [...new Set(sites.flatMap((s) => s.events))].sort();
    return { events, sites, problems, files: [...reached.files].map((f) => this.rel(f.fileName)).sort() };
  }

  // ── 1. reach ────────────────────────────────────────────────────────────────────────────────

  private reach(entry: ts.SourceFile): { readonly calls: readonly ts.CallExpression[]; readonly files: ReadonlySet<ts.SourceFile> } {
    const seen = new Set<ts.Node>();
    const files = new Set<ts.SourceFile>([entry]);
    const calls: ts.CallExpression[] = [];
    const queue: ts.Node[] = [...entry.statements];
    const enqueue = (node: ts.Node) => {
      if (!seen.has(node)) queue.push(node);
    };
    const reachFile = (file: ts.SourceFile) => {
      if (files.has(file)) return;
      files.add(file);
      // What runs when the module loads (declarations run only when reached).
      for (const statement of file.statements) if (ts.isExpressionStatement(statement)) enqueue(statement);
    };
    const follow = (symbol: ts.Symbol | undefined) => {
      if (!symbol) return;
      const target = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
      for (const decl of target.declarations ?? []) {
        if (ts.isSourceFile(decl)) {
          if (this.isProjectFile(decl)) reachFile(decl);
          continue;
        }
        const file = decl.getSourceFile();
        if (!this.isProjectFile(file) || this.rel(file.fileName).startsWith(KERNEL)) continue;
        if (isTypeOnlyDeclaration(decl)) continue;
        reachFile(file);
        enqueue(ts.isBindingElement(decl) ? ts.walkUpBindingElementsAndPatterns(decl) : decl);
      }
    };
    const walk = (node: ts.Node): void => {
      if (seen.has(node)) return;
      seen.add(node);
      if (isTypeOnlyDeclaration(node)) return;
      if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
        // `import './x'` runs x; `export { a } from './x'` reaches a. Other imports are followed where used.
        if (ts.isImportDeclaration(node) && !node.importClause) follow(this.checker.getSymbolAtLocation(node.moduleSpecifier));
        if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.exportClause && ts.isNamedExports(node.exportClause)) {
          for (const element of node.exportClause.elements) follow(this.checker.getSymbolAtLocation(element.name));
        }
        return;
      }
      if (ts.isTypeNode(node) && !ts.isExpressionWithTypeArguments(node)) return;
      if (ts.isCallExpression(node)) calls.push(node);
      if (ts.isIdentifier(node)) follow(this.checker.getSymbolAtLocation(node));
      if (ts.isShorthandPropertyAssignment(node)) follow(this.checker.getShorthandAssignmentValueSymbol(node));
      ts.forEachChild(node, walk);
    };
    for (let node = queue.pop(); node; node = queue.pop()) walk(node);
    return { calls, files };
  }

  // ── 2. the appends ──────────────────────────────────────────────────────────────────────────

  private judge(call: ts.CallExpression, calls: readonly ts.CallExpression[], sites: EmitSite[], problems: string[]): void {
    const callee = this.calleeDeclarations(call);
    const from = (file: string, name: string) => callee.some((d) => this.rel(d.getSourceFile().fileName) === file && declarationName(d) === name);
    const at = this.at(call);

    if (from(COMMAND_HANDLER, 'handleCommand')) {
      const [, decider, , command] = call.arguments;
      if (!decider || !command) return void problems.push(`${at}: handleCommand without a decider and a command`);
      return this.deciderSite(at, 'handleCommand', decider, command, calls, sites, problems);
    }
    if (ts.isPropertyAccessExpression(call.expression) && from(DECIDER, 'decide')) {
      const command = call.arguments[0];
      if (!command) return void problems.push(`${at}: decide without a command`);
      return this.deciderSite(at, 'decide', call.expression.expression, command, calls, sites, problems);
    }
    if (from(COMMAND_HANDLER, 'emit')) {
      const events = call.arguments[1];
      if (!events || this.holdsDecideCall(events)) return; // counted at its decide call
      return this.typedSite(at, 'tx.emit', events, sites, problems);
    }
    if (from(EVENT_STORE, 'append') || from(EVENT_STORE, 'appendMany')) {
      const request = call.arguments[0];
      if (!request) return void problems.push(`${at}: an append without a request`);
      const type = this.checker.getTypeAtLocation(request);
      const requests = from(EVENT_STORE, 'appendMany') ? this.elementType(type) : type;
      const events = requests && this.propertyType(requests, 'events');
      const event = events && this.elementType(events);
      const types = event && this.literalsOfProperty(event, 'type');
      if (!types) return void problems.push(`${at}: a direct append whose event types cannot be told from the types`);
      sites.push({ at, how: 'direct append', events: types });
    }
  }

  private deciderSite(
    at: string,
    how: string,
    deciderExpr: ts.Expression,
    commandExpr: ts.Expression,
    calls: readonly ts.CallExpression[],
    sites: EmitSite[],
    problems: string[],
  ): void {
    const deciders = this.sources(deciderExpr, calls).map((e) => this.deciderRef(e));
    const commands = this.sources(commandExpr, calls).map((e) => this.literalsOfProperty(this.checker.getTypeAtLocation(e), 'type'));
    if (deciders.some((d) => d === null)) return void problems.push(`${at}: ${how} with a decider that is not a variable of the repository (${deciderExpr.getText()})`);
    if (commands.some((c) => c === null)) return void problems.push(`${at}: ${how} with a command whose type is not a set of literals (${commandExpr.getText()})`);
    const types = [...new Set(commands.flatMap((c) => c!))].sort();
    for (const decider of new Set(deciders.map((d) => `${d!.file}#${d!.name}`))) {
      const [file, name] = decider.split('#') as [string, string];
      const table = this.tableOf({ file, name });
      if (!table) return void problems.push(`${at}: ${name} (${file}) has no commandEvents table`);
      const unknown = types.filter((t) => !table[t]);
      if (unknown.length > 0) return void problems.push(`${at}: ${name}'s commandEvents table has no row for ${unknown.join(', ')}`);
      sites.push({ at, how: `${how}(${name}, ${types.join(' | ')})`, events: [...new Set(types.flatMap((t) => table[t]!))] });
    }
  }

  private typedSite(at: string, how: string, events: ts.Expression, sites: EmitSite[], problems: string[]): void {
    const element = this.elementType(this.checker.getTypeAtLocation(events));
    const types = element && this.literalsOfProperty(element, 'type');
    if (!types) return void problems.push(`${at}: ${how} of events whose types cannot be told (${events.getText()})`);
    sites.push({ at, how, events: types });
  }

  // ── 3. resolving deciders and commands ──────────────────────────────────────────────────────

  /**
   * The expressions a value may come from: itself, or, for a parameter of a function whose call
   * sites were reached, the arguments given there (recursively).
   */
  private sources(expr: ts.Expression, calls: readonly ts.CallExpression[], depth = 0): ts.Expression[] {
    const e = skipOuter(expr);
    if (!ts.isIdentifier(e) || depth > 8) return [e];
    const decl = this.valueDeclaration(this.checker.getSymbolAtLocation(e));
    if (!decl || !ts.isParameter(decl) || !ts.isIdentifier(decl.name)) return [e];
    const fn = decl.parent;
    const index = fn.parameters.indexOf(decl);
    const identity = functionIdentity(fn);
    const sites = calls.filter((c) => this.calleeDeclarations(c).includes(identity));
    if (sites.length === 0) return [e];
    return sites.flatMap((c) => (c.arguments[index] ? this.sources(c.arguments[index]!, calls, depth + 1) : []));
  }

  private deciderRef(expr: ts.Expression): DeciderRef | null {
    const e = skipOuter(expr);
    if (!ts.isIdentifier(e)) return null;
    const decl = this.valueDeclaration(this.checker.getSymbolAtLocation(e));
    if (!decl || !ts.isVariableDeclaration(decl) || !ts.isIdentifier(decl.name) || !this.isProjectFile(decl.getSourceFile())) return null;
    return { file: this.rel(decl.getSourceFile().fileName), name: decl.name.text };
  }

  /** `decider.decide(...)`, or a variable initialized with one. */
  private holdsDecideCall(expr: ts.Expression): boolean {
    const e = skipOuter(expr);
    const isDecide = (n: ts.Expression) => ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && this.calleeDeclarations(n).some((d) => this.rel(d.getSourceFile().fileName) === DECIDER);
    if (isDecide(e)) return true;
    if (!ts.isIdentifier(e)) return false;
    const decl = this.valueDeclaration(this.checker.getSymbolAtLocation(e));
    return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && isDecide(skipOuter(decl.initializer));
  }

  /** The string literals a property of a type (or of each member of a union) can be; null when any is not a literal. */
  private literalsOfProperty(type: ts.Type, property: string): string[] | null {
    const out = new Set<string>();
    for (const member of type.isUnion() ? type.types : [type]) {
      const prop = this.propertyType(member, property);
      if (!prop) return null;
      for (const t of prop.isUnion() ? prop.types : [prop]) {
        if (!t.isStringLiteral()) return null;
        out.add(t.value);
      }
    }
    return out.size > 0 ? [...out].sort() : null;
  }

  private propertyType(type: ts.Type, property: string): ts.Type | undefined {
    const symbol = this.checker.getPropertyOfType(type, property);
    return symbol && this.checker.getTypeOfSymbol(symbol);
  }

  private elementType(type: ts.Type): ts.Type | undefined {
    return this.checker.getIndexTypeOfType(type, ts.IndexKind.Number) ?? (this.checker.isArrayLikeType(type) ? this.checker.getTypeArguments(type as ts.TypeReference)[0] : undefined);
  }

  private calleeDeclarations(call: ts.CallExpression): ts.Node[] {
    const target = skipOuter(call.expression);
    const node = ts.isPropertyAccessExpression(target) ? target.name : target;
    const symbol = this.checker.getSymbolAtLocation(node);
    if (!symbol) return [];
    const resolved = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    return resolved.declarations ?? [];
  }

  private valueDeclaration(symbol: ts.Symbol | undefined): ts.Declaration | undefined {
    if (!symbol) return undefined;
    const resolved = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    return resolved.valueDeclaration ?? resolved.declarations?.[0];
  }

  private isProjectFile(file: ts.SourceFile): boolean {
    return !file.isDeclarationFile && file.fileName.startsWith(this.root + path.sep) && !file.fileName.includes(`${path.sep}node_modules${path.sep}`);
  }

  private rel(fileName: string): string {
    return path.relative(this.root, fileName).split(path.sep).join('/');
  }

  private at(node: ts.Node): string {
    const file = node.getSourceFile();
    return `${this.rel(file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  }
}

const isTypeOnlyDeclaration = (node: ts.Node): boolean =>
  ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isTypeParameterDeclaration(node) || ts.isPropertySignature(node) || ts.isMethodSignature(node);

const skipOuter = (expr: ts.Expression): ts.Expression => {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
  return e;
};

function declarationName(decl: ts.Node): string | undefined {
  const name = (decl as ts.NamedDeclaration).name;
  return name && ts.isIdentifier(name) ? name.text : undefined;
}

/** The declaration a function is called by: itself, or the variable or property an arrow function is assigned to. */
function functionIdentity(fn: ts.SignatureDeclaration): ts.Node {
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && (ts.isVariableDeclaration(fn.parent) || ts.isPropertyAssignment(fn.parent))) return fn.parent;
  return fn;
}

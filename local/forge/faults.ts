/**
 * Fault injection for tests: the next `times` requests matching a method and path are answered
 * with a canned status (e.g. a 502 from a flaky proxy, a 429 secondary rate limit) before any other
 * processing, git requests included.
 */
export interface Fault {
  readonly status: number;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
  /** Only this method (default any). */
  readonly method?: string;
  /** Only paths starting with this string, or matching this pattern (default any). */
  readonly path?: string | RegExp;
  /** JSON body (default `{ message: <status text> }`). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class Faults {
  private readonly pending: Array<{ fault: Fault; left: number }> = [];
  /** Requests answered with a fault so far. */
  injected = 0;

  add(fault: Fault): void {
    this.pending.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The fault this request meets (consuming one of its uses), if any. */
  take(method: string, pathname: string): Fault | undefined {
    const entry = this.pending.find(({ fault, left }) => left > 0 && (!fault.method || fault.method.toUpperCase() === method) && matches(fault.path, pathname));
    if (!entry) return undefined;
    entry.left -= 1;
    if (entry.left === 0) this.pending.splice(this.pending.indexOf(entry), 1);
    this.injected += 1;
    return entry.fault;
  }
}

function matches(path: string | RegExp | undefined, pathname: string): boolean {
  if (path === undefined) return true;
  return typeof path === 'string' ? pathname.startsWith(path) : path.test(pathname);
}

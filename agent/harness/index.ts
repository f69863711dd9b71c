/**
 * The harness of a session, from payload.harness:
 * - `replay`  → ReplayHarness (the trajectory read through the BlobReader)
 * - `command` → CommandHarness
 * - `claude`  → ClaudeHarness (agent/harness/claude.ts, another module), loaded lazily so that only
 *   sessions that use it load it; a build without it fails such a session with a clear error.
 */
import type { AgentHarness, HarnessSpec } from '../contracts';
import type { BlobReader } from '../ports';
import type { ClaudeHarnessOptions } from './claude';
import { CommandHarness } from './command';
import { ReplayHarness } from './replay';

export interface HarnessDeps {
  readonly blobs: BlobReader;
  /** Options of the claude harness (credentials default to the agent's environment). */
  readonly claude?: ClaudeHarnessOptions;
  /** Loads the claude module (tests override it). Default: require('./claude'). */
  readonly loadClaude?: () => ClaudeModule;
}

export class HarnessUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessUnavailableError';
  }
}

export function createHarness(spec: HarnessSpec, deps: HarnessDeps): AgentHarness {
  switch (spec.type) {
    case 'replay':
      return new ReplayHarness({ trajectoryRef: spec.trajectoryRef, blobs: deps.blobs });
    case 'command':
      return new CommandHarness({ command: spec.command, promptVia: spec.promptVia });
    case 'claude':
      return claudeHarness(deps.claude ?? {}, deps.loadClaude ?? (() => require('./claude') as ClaudeModule));
    default: {
      const unknown: never = spec;
      throw new HarnessUnavailableError(`unknown harness type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

type ClaudeModule = Pick<typeof import('./claude'), 'ClaudeHarness'>;

function claudeHarness(options: ClaudeHarnessOptions, load: () => ClaudeModule): AgentHarness {
  let mod: ClaudeModule;
  try {
    mod = load();
  } catch (err) {
    throw new HarnessUnavailableError(`the claude harness is not available in this build (agent/harness/claude): ${(err as Error).message}`);
  }
  if (typeof mod?.ClaudeHarness !== 'function') throw new HarnessUnavailableError('agent/harness/claude does not export ClaudeHarness');
  return new mod.ClaudeHarness(options);
}

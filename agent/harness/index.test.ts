import { FileBlobReader } from '../adapters/blob-reader';
import { ClaudeHarness } from './claude';
import { CommandHarness } from './command';
import { HarnessUnavailableError, createHarness } from './index';
import { ReplayHarness } from './replay';

const blobs = new FileBlobReader();

describe('createHarness', () => {
  it('chooses the harness from payload.harness', () => {
    expect(createHarness({ type: 'replay', trajectoryRef: 'file:///t.json' }, { blobs })).toBeInstanceOf(ReplayHarness);
    expect(createHarness({ type: 'command', command: ['my-agent', '--yes'], promptVia: 'file' }, { blobs })).toBeInstanceOf(CommandHarness);
    const claude = createHarness({ type: 'claude', provider: 'anthropic' }, { blobs });
    expect(claude).toBeInstanceOf(ClaudeHarness);
    expect(claude.type).toBe('claude');
  });

  it('fails clearly when the claude harness is not in the build', () => {
    const loadClaude = () => {
      throw new Error("Cannot find module './claude'");
    };
    expect(() => createHarness({ type: 'claude', provider: 'bedrock' }, { blobs, loadClaude })).toThrow(HarnessUnavailableError);
    expect(() => createHarness({ type: 'claude', provider: 'bedrock' }, { blobs, loadClaude })).toThrow(/not available in this build/);
  });
});

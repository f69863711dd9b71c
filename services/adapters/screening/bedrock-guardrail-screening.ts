/**
 * Screening on Amazon Bedrock Guardrails (the cloud screen for prompt injection in issue text,
 * comments and memory): each text is screened with ApplyGuardrail (`source: 'INPUT'`, the text as
 * one content block) against a configured guardrail and version — typically one with the
 * PROMPT_ATTACK content filter, and denied topics as the deployer sees fit.
 *
 * Selection: services/tasks/hydration/screening-factory.ts picks this screen when ABCA_GUARDRAIL_ID
 * (the guardrail id or ARN) and ABCA_GUARDRAIL_VERSION (a version number, or DRAFT) are set, in
 * AWS_REGION; without them, the rule-based screen. The role needs `bedrock:ApplyGuardrail` on the
 * guardrail.
 *
 * Verdicts (the Screening port, services/tasks/hydration/screening.ts):
 * - `NONE` for every piece of every text → allow.
 * - `GUARDRAIL_INTERVENED` for any piece → block, with one finding per policy entry that acted,
 *   naming the text's source and the policy/filter (guardrail-findings.ts).
 * - Any error — network, timeout, access denied, throttling or 5xx after the SDK's retries, an
 *   answer that is not a valid ApplyGuardrail response — throws GuardrailScreeningError naming
 *   the guardrail, the source and the cause. The port's contract is that a screen that throws
 *   fails closed: screenOrFail turns it into a `screening` HydrationError ("could not be
 *   screened ... stopped rather than run unscreened"), which tells the user the truth (the
 *   screen was unavailable) rather than claiming an injection was found.
 *
 * Texts are sanitised first, as the rule-based screen does (zero-width and bidi characters can
 * split a phrase for a classifier as much as for a regex), then split into overlapping pieces of
 * at most 10,000 characters (chunk-text.ts documents the size). One request screens one piece of
 * one text, so a finding always names its source; pieces are screened one after another (the
 * quota is per second, and hydration is not latency-critical), every source is screened (the
 * user learns every offending source at once), and the first error stops the screen.
 */
import { ApplyGuardrailCommand, type ApplyGuardrailResponse, type BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { sanitize } from '../../tasks/hydration/sanitize';
import { dedupeFindings, type ScreenedText, type Screening, type ScreeningFinding, type ScreeningResult } from '../../tasks/hydration/screening';
import { GUARDRAIL_CHUNK_CHARS, chunkText } from './chunk-text';
import { guardrailFindings } from './guardrail-findings';

export interface BedrockGuardrailScreeningOptions {
  /** A Bedrock Runtime client (bedrock-runtime-client.ts builds one). */
  readonly client: Pick<BedrockRuntimeClient, 'send'>;
  /** The guardrail id or ARN. */
  readonly guardrailId: string;
  /** A version number (`1`, `2`, ...) or `DRAFT`. */
  readonly guardrailVersion: string;
  /** Characters per ApplyGuardrail request (default GUARDRAIL_CHUNK_CHARS, 10,000). */
  readonly chunkChars?: number;
}

/** The guardrail could not give a verdict; the screen fails closed (screenOrFail). */
export class GuardrailScreeningError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuardrailScreeningError';
  }
}

const ACTIONS = new Set(['NONE', 'GUARDRAIL_INTERVENED']);

export class BedrockGuardrailScreening implements Screening {
  constructor(private readonly options: BedrockGuardrailScreeningOptions) {}

  async screen(texts: readonly ScreenedText[]): Promise<ScreeningResult> {
    const findings: ScreeningFinding[] = [];
    for (const { source, text } of texts) {
      for (const piece of chunkText(sanitize(text), this.options.chunkChars ?? GUARDRAIL_CHUNK_CHARS)) {
        if (piece.trim() === '') continue;
        const response = await this.apply(source, piece);
        if (response.action === 'GUARDRAIL_INTERVENED') findings.push(...guardrailFindings(source, response));
      }
    }
    return { verdict: findings.length > 0 ? 'block' : 'allow', findings: dedupeFindings(findings) };
  }

  private async apply(source: string, text: string): Promise<ApplyGuardrailResponse> {
    const { guardrailId, guardrailVersion } = this.options;
    const guardrail = `the guardrail ${guardrailId} (version ${guardrailVersion})`;
    let response: ApplyGuardrailResponse;
    try {
      response = await this.options.client.send(
        new ApplyGuardrailCommand({ guardrailIdentifier: guardrailId, guardrailVersion, source: 'INPUT', content: [{ text: { text } }] }),
      );
    } catch (err) {
      const e = (err ?? {}) as { name?: unknown; message?: unknown };
      const what = `${typeof e.name === 'string' ? e.name : 'Error'}: ${typeof e.message === 'string' && e.message ? e.message : String(err)}`;
      throw new GuardrailScreeningError(`${guardrail} could not screen ${source} (${what})`, { cause: err });
    }
    if (typeof response?.action !== 'string' || !ACTIONS.has(response.action)) {
      throw new GuardrailScreeningError(`${guardrail} gave no verdict for ${source} (action ${JSON.stringify(response?.action ?? null)})`);
    }
    return response;
  }
}

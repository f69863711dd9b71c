/**
 * What a guardrail intervention matched, as ScreeningFindings: one per policy entry that acted
 * (action other than NONE, and not marked `detected: false`), named `guardrail:<policy>:<what>`
 * so the user's error says which policy or filter fired, e.g. `guardrail:content-filter:PROMPT_ATTACK`
 * or `guardrail:denied-topic:Credential exfiltration`.
 *
 * Automated-reasoning findings are not mapped (they include valid claims as well): an intervention
 * with nothing else to show is `guardrail:intervened`, with the service's actionReason.
 *
 * Excerpts: only a matched word is quoted. Sensitive-information matches are never copied (they
 * are the PII or secret itself, and findings reach logs and error messages); content filters and
 * topics match no span of text.
 */
import type { ApplyGuardrailResponse, GuardrailAssessment } from '@aws-sdk/client-bedrock-runtime';
import type { ScreeningFinding } from '../../tasks/hydration/screening';

interface Acting {
  readonly action?: string;
  readonly detected?: boolean;
}

const acted = (entry: Acting): boolean => entry.action !== undefined && entry.action !== 'NONE' && entry.detected !== false;

/** The findings of an intervened response for `source`; never empty (an intervention without details still blocks). */
export function guardrailFindings(source: string, response: Pick<ApplyGuardrailResponse, 'assessments' | 'actionReason'>): ScreeningFinding[] {
  const findings: ScreeningFinding[] = [];
  const add = (rule: string, excerpt?: string) => findings.push(excerpt ? { source, rule, excerpt: excerpt.slice(0, 80) } : { source, rule });
  for (const a of response.assessments ?? []) collect(a, add);
  if (findings.length === 0) add('guardrail:intervened', response.actionReason);
  return findings;
}

function collect(a: GuardrailAssessment, add: (rule: string, excerpt?: string) => void): void {
  for (const f of a.contentPolicy?.filters ?? []) if (acted(f)) add(`guardrail:content-filter:${f.type}`);
  for (const t of a.topicPolicy?.topics ?? []) if (acted(t)) add(`guardrail:denied-topic:${t.name}`);
  for (const w of a.wordPolicy?.customWords ?? []) if (acted(w)) add('guardrail:word-filter', w.match);
  for (const w of a.wordPolicy?.managedWordLists ?? []) if (acted(w)) add(`guardrail:word-filter:${w.type}`);
  for (const p of a.sensitiveInformationPolicy?.piiEntities ?? []) if (acted(p)) add(`guardrail:sensitive-information:${p.type}`);
  for (const r of a.sensitiveInformationPolicy?.regexes ?? []) if (acted(r)) add(`guardrail:sensitive-information:${r.name ?? 'regex'}`);
  for (const g of a.contextualGroundingPolicy?.filters ?? []) if (acted(g)) add(`guardrail:contextual-grounding:${g.type}`);
}

/**
 * Screening: the port that checks external content (issue title, body, comments, memory) for
 * prompt injection before it enters a prompt. Bedrock Guardrails in AWS
 * (services/adapters/screening/bedrock-guardrail-screening.ts); `RuleBasedScreening` (phrases,
 * after sanitising, case-insensitive) locally and by default. screening-factory.ts picks one from
 * the environment.
 *
 * Hydration fails closed: a block, or a screen that throws, fails the task (category `screening`,
 * not retryable) with a reason naming the source (`screenOrFail`).
 */
import { HydrationError } from './context-source';
import { sanitize } from './sanitize';

export interface ScreenedText {
  /** Where the text comes from, as the user should read it: `issue #3 title`, `comment by @mallory`, `memory`. */
  readonly source: string;
  readonly text: string;
}

export interface ScreeningFinding {
  readonly source: string;
  /** The rule (or guardrail policy) that matched. */
  readonly rule: string;
  /** The matched text, shortened. */
  readonly excerpt?: string;
}

export interface ScreeningResult {
  readonly verdict: 'allow' | 'block';
  readonly findings: readonly ScreeningFinding[];
}

export interface Screening {
  screen(texts: readonly ScreenedText[]): Promise<ScreeningResult>;
}

export interface ScreeningRule {
  readonly id: string;
  readonly pattern: RegExp;
}

/** Phrases typical of prompt injection (matched on sanitised, whitespace-collapsed text, case-insensitive). */
const DEFAULT_SCREENING_RULES: readonly ScreeningRule[] = [
  { id: 'ignore-previous-instructions', pattern: /\b(?:ignore|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+)*(?:previous|prior|above|earlier|preceding|system)\s+(?:instructions|prompts?|rules|directions|messages)\b/i },
  { id: 'disregard-instructions', pattern: /\bdisregard\b[^.\n]{0,60}\b(?:instructions|prompts?|rules|guidelines|directions)\b/i },
  { id: 'role-override', pattern: /\byou\s+are\s+now\b/i },
  { id: 'new-instructions', pattern: /\b(?:new|updated|real)\s+(?:system\s+)?instructions\s*:/i },
  { id: 'system-prompt', pattern: /\bsystem\s+prompt\b/i },
  { id: 'reveal', pattern: /\b(?:reveal|print|show|output|dump|repeat|leak)\s+(?:me\s+)?(?:your\s+(?:system\s+|hidden\s+|initial\s+)?(?:prompt|instructions|secrets?|credentials|tokens?|keys?|configuration)|the\s+(?:system|hidden|initial)\s+(?:prompt|instructions))\b/i },
  { id: 'reveal-your', pattern: /\breveal\s+your\b/i },
  {
    id: 'exfiltrate-secrets',
    pattern:
      /\b(?:exfiltrate|send|post|upload|leak|curl|wget|transmit)\b[^\n]{0,80}(?:\bsecrets?\b|\bcredentials\b|\bapi[\s_-]?keys?\b|\b(?:access|auth|api|secret|github|npm|session)[\s_-]?tokens?\b|\benv(?:ironment)?\s+(?:variables|vars)\b|(?:^|[\s"'`])\.env\b|\$?\b(?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN)\b|\bprivate\s+keys?\b)/i,
  },
  { id: 'env-dump', pattern: /(?:\b(?:printenv|env)\s*\|\s*(?:curl|nc|wget|base64)\b|process\.env\b[^\n]{0,40}\b(?:fetch|curl|post|send)\b|cat\s+~?\/?\.aws\/credentials)/i },
  { id: 'jailbreak', pattern: /\b(?:jailbreak|DAN\s+mode|developer\s+mode\s+enabled|do\s+anything\s+now)\b/i },
  { id: 'role-tags', pattern: /\[\/?(?:INST|SYS)\]|<\|im_(?:start|end)\|>|<<\/?SYS>>/i },
  {
    id: 'encoded-instructions',
    pattern: /\b(?:decode|base64|execute|run|eval|follow)\b[^\n]{0,60}\b(?:base64|decode|encoded)\b[^\n]{0,40}[A-Za-z0-9+/]{40,}={0,2}/i,
  },
];

/** Long base64 blobs: screened by decoding them and applying the rules to the decoded text. */
const BASE64_BLOB = /[A-Za-z0-9+/]{40,}={0,2}/g;

/** A local screen: the rules over each text and over the decoded form of its long base64 blobs. */
export class RuleBasedScreening implements Screening {
  constructor(private readonly rules: readonly ScreeningRule[] = DEFAULT_SCREENING_RULES) {}

  async screen(texts: readonly ScreenedText[]): Promise<ScreeningResult> {
    const findings: ScreeningFinding[] = [];
    for (const { source, text } of texts) {
      const clean = sanitize(text).replace(/[ \t]+/g, ' ');
      for (const candidate of [clean, ...decodedBlobs(clean)]) {
        for (const rule of this.rules) {
          const m = rule.pattern.exec(candidate);
          if (m) findings.push({ source, rule: rule.id, excerpt: m[0].trim().slice(0, 80) });
        }
      }
    }
    return { verdict: findings.length > 0 ? 'block' : 'allow', findings: dedupeFindings(findings) };
  }
}

function decodedBlobs(text: string): string[] {
  const out: string[] = [];
  for (const blob of text.match(BASE64_BLOB) ?? []) {
    const decoded = Buffer.from(blob, 'base64').toString('utf8');
    // Only text that decodes to mostly printable characters can carry instructions.
    const printable = decoded.replace(/[^\x20-\x7E\n\t]/g, '').length;
    if (decoded.length > 0 && printable / decoded.length > 0.9) out.push(sanitize(decoded));
  }
  return out;
}

/** One finding per source and rule (the first one's excerpt), in order. */
export function dedupeFindings(findings: readonly ScreeningFinding[]): ScreeningFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.source}\u0000${f.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Runs the screen and fails closed: a block, or a screen that throws, becomes a HydrationError
 * (category `screening`, not retryable) whose message names the sources.
 */
export async function screenOrFail(screening: Screening, texts: readonly ScreenedText[]): Promise<ScreeningResult> {
  const nonEmpty = texts.filter((t) => t.text.trim().length > 0);
  if (nonEmpty.length === 0) return { verdict: 'allow', findings: [] };
  let result: ScreeningResult;
  try {
    result = await screening.screen(nonEmpty);
  } catch (err) {
    throw new HydrationError(
      'screening',
      `The task's external content could not be screened for prompt injection (${err instanceof Error ? err.message : String(err)}); the task was stopped rather than run unscreened. Submit it again later.`,
      false,
      { cause: err },
    );
  }
  if (result.verdict !== 'allow') {
    const sources = [...new Set(result.findings.map((f) => f.source))];
    const rules = [...new Set(result.findings.map((f) => f.rule))];
    const where = sources.length > 0 ? sources.join(', ') : 'the task context';
    throw new HydrationError(
      'screening',
      `Possible prompt injection in ${where}${rules.length > 0 ? ` (${rules.join(', ')})` : ''}; the task was not started. Edit or remove that content and submit the task again.`,
      false,
    );
  }
  return result;
}

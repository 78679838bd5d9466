/** The title and fix for a verdict: the rule's own (rules.ts `fix`), the registry's, else the category's runbook. */

import { ADVICE, type Advice, type AdviceContext, RUNBOOKS } from '../model/runbooks.ts';
import type { Category } from '../model/types.ts';
import { credentialHelperOf, kubeletText, registryKindOf, SECRET_RETRIEVAL } from './facts.ts';
import { recognize } from './recognize.ts';
import type { TextRule } from './rule.ts';
import { TEXT_RULES } from './rules.ts';
import type { ExtractedFields, TextEvidence } from './types.ts';

/** Categories whose fix differs between ECR and other registries; for these an unnamed registry gets both. */
const UNNAMED_REGISTRY_CATEGORIES = new Set<Category>([
  'auth',
  'permission',
  'throttle',
  'network',
  'not-found',
]);

const RULES_BY_ID = new Map<string, TextRule>(TEXT_RULES.map((rule) => [rule.id, rule]));

/** The title and fix that fit what the text says: a situation's own advice, else the category's runbook. */
export function fitAdvice(
  category: Category,
  evidence: TextEvidence | null,
  fields: ExtractedFields,
  text: string,
): { title: string; remediation: string } {
  const advice = adviceFor(category, evidence, fields, text);
  return { title: advice.title, remediation: advice.fix };
}

function adviceFor(
  category: Category,
  evidence: TextEvidence | null,
  fields: ExtractedFields,
  text: string,
): Advice {
  const registryKind = registryKindOf(fields, text);
  const helper = credentialHelperOf(text);
  const context: AdviceContext = {
    ...(fields.registry ? { registry: fields.registry } : {}),
    ...(registryKind ? { registryKind } : {}),
    ...(fields.region ? { region: fields.region } : {}),
    ...(helper ? { helper } : {}),
  };
  // An ECS secret the agent could not read is not an image pull, whatever the cause.
  const secret = SECRET_RETRIEVAL.exec(text);
  if (secret) {
    return ADVICE.ecsSecret(category, {
      ...context,
      secretStore: secret[1]?.toLowerCase() === 'asm' ? 'Secrets Manager' : 'SSM Parameter Store',
    });
  }
  const rule = evidence?.rule ?? '';
  const own = RULES_BY_ID.get(rule);
  if (own?.fix) return own.fix(context);
  if (rule === 'ambiguous/consequence-only') {
    const follows = RULES_BY_ID.get(evidence?.follows ?? '');
    return (
      follows?.causeAboveFix?.() ?? ADVICE.causeAbove(follows?.reason ?? 'a consequence of an earlier error')
    );
  }
  if (rule === 'ambiguous/bare-refusal') return ADVICE.deniedChecks(context);
  if (evidence?.source === 'errorCode' && /^MissingAuthenticationToken/.test(evidence.match)) {
    return ADVICE.unsignedRequest();
  }
  if (registryKind === 'ecr-public') {
    if (category === 'auth' || category === 'permission') return ADVICE.ecrPublicStaleLogin();
    if (category === 'throttle') return ADVICE.ecrPublicRateLimit();
  }
  if (registryKind && registryKind !== 'ecr' && registryKind !== 'ecr-public') {
    const advice = ADVICE.otherRegistry(category, context);
    if (advice) return advice;
  }
  // The text names no registry: ECR's fix, and the same step for any other registry, not ECR's alone.
  if (!registryKind && UNNAMED_REGISTRY_CATEGORIES.has(category)) {
    return ADVICE.unnamedRegistry(category, own?.ecrFix?.(context) ?? RUNBOOKS[category]);
  }
  // Issue 26: an EKS or Kubernetes node pulls with its node role through the kubelet credential provider, never a
  // docker login.
  if (registryKind === 'ecr' && (category === 'auth' || category === 'permission') && kubeletText(text)) {
    return ADVICE.eksNodePull(category, context);
  }
  if (own?.ecrFix) return own.ecrFix(context);
  // Issue 26: what was recognized, and the next step for the registry the text names.
  if (category === 'unknown') {
    const seen = recognize(text);
    return ADVICE.unrecognized({
      ...context,
      ...(seen.tool ? { tool: seen.tool } : {}),
      ...(seen.operation ? { operation: seen.operation } : {}),
      ...(fields.httpStatus ? { httpStatus: fields.httpStatus } : {}),
      ...(fields.errorCode ? { errorCode: fields.errorCode } : {}),
    });
  }
  // A server error from a registry the text does not name: not necessarily ECR's.
  if (category === 'service' && !registryKind) return ADVICE.unnamedRegistryServerError();
  return { title: RUNBOOKS[category].title, fix: RUNBOOKS[category].fix };
}

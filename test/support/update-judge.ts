/**
 * Judges a stack update by CloudFormation's documented rules, from the template before and the template after:
 * what CloudFormation replaces, and which changes fail or lose something. The rules per type are in
 * test/support/cfn-update-rules.ts; how CloudFormation runs an update is in "Update behaviors of stack resources"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html):
 * a replacement creates the new resource first, then the cleanup phase deletes the old one and every removed
 * resource, after all creates and updates.
 *
 * - A kept logical ID whose type changed: CloudFormation refuses ("Update of resource type is not permitted").
 * - A kept logical ID whose replacement property changed is replaced. Values are compared as written, with the
 *   intrinsic functions kept: a Ref or GetAtt of a resource that is itself replaced is a changed value (its physical
 *   ID and attributes change), so replacement propagates along references. A `Fn::Join` of plain strings counts as
 *   the string it makes.
 * - A replaced resource that keeps a fixed physical name fails: the new one is created under the old one's name
 *   ("... already exists").
 * - A created resource (new logical ID, or replaced) with the name, or the identity, of a resource of the stack
 *   before (a renamed logical ID, a second resource for the same thing) collides with it: created first, then the
 *   old one's delete removes what the new one relies on, or the create fails.
 * - A custom resource whose ServiceToken changed fails ("Modifying service token is not allowed").
 * - A removed custom resource (without DeletionPolicy Retain) is sent a Delete through its old ServiceToken; when
 *   that is a Lambda function the same update puts into a VPC, its answer (a PUT to CloudFormation's presigned S3
 *   URL) needs a path to S3 the subnets may not give, and the stack waits out the resource's timeout.
 * - A resource type with no entry in the rules fails, until someone reads its rules.
 * Resource Conditions are not evaluated: a resource with a Condition counts as present.
 */
import { CUSTOM_RESOURCE_RULE, isCustomResource, UPDATE_RULES, type UpdateRule } from './cfn-update-rules.ts';
import type { CfnTemplate, StackTemplates, TemplateResource } from './synth-templates.ts';

export interface UpdateJudgement {
  /** Logical IDs CloudFormation replaces, with the properties (or replaced references) that make it. */
  replaced: Record<string, string[]>;
  /** What fails or loses something, one line each; empty when the update is safe. */
  failures: string[];
}

/** `Fn::Join` of plain strings as the string; everything else as written. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => [k, normalize(v)] as const,
  );
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  const join = object['Fn::Join'];
  if (entries.length === 1 && Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1] as unknown[];
    if (parts.every((part) => typeof part === 'string')) return parts.join(join[0]);
  }
  return object;
}

/** Logical IDs (and parameters) a value refers to through Ref, Fn::GetAtt and Fn::Sub. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Ref' && typeof inner === 'string') into.add(inner);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner)
          ? inner[0]
          : typeof inner === 'string'
            ? inner.split('.')[0]
            : inner;
        if (typeof target === 'string') into.add(target);
        else referencedIds(inner, into);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
        const local = new Set(Object.keys((variables ?? {}) as object));
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{(?!!)([^}.]+)(?:\.[^}]+)?\}/g)) {
            const name = match[1] as string;
            if (!local.has(name)) into.add(name);
          }
        }
        referencedIds(variables, into);
      } else referencedIds(inner, into);
    }
  }
  return into;
}

/** The same value after the update: equal as written, and referring to nothing that is replaced. */
function sameValue(before: unknown, after: unknown, replaced: ReadonlySet<string>): boolean {
  if (JSON.stringify(normalize(before)) !== JSON.stringify(normalize(after))) return false;
  for (const id of referencedIds(before)) if (replaced.has(id)) return false;
  return true;
}

/** Values that may name the same thing: equal, or lists sharing an item (a policy on one of the same roles). */
function overlaps(before: unknown, after: unknown, replaced: ReadonlySet<string>): boolean {
  if (Array.isArray(before) && Array.isArray(after)) {
    return before.some((b) => after.some((a) => sameValue(b, a, replaced)));
  }
  return sameValue(before, after, replaced);
}

function ruleOf(type: string): UpdateRule | undefined {
  return UPDATE_RULES[type];
}

function label(id: string, resource: TemplateResource): string {
  return `${id} (${resource.Type})`;
}

export function judgeUpdate(before: CfnTemplate, after: CfnTemplate): UpdateJudgement {
  const was = before.Resources ?? {};
  const now = after.Resources ?? {};
  const failures: string[] = [];
  const kept = Object.keys(now).filter((id) => was[id] !== undefined);
  const added = Object.keys(now).filter((id) => was[id] === undefined);
  const removed = Object.keys(was).filter((id) => now[id] === undefined);

  const unknownTypes = new Set<string>();
  for (const resource of [...Object.values(was), ...Object.values(now)]) {
    if (!isCustomResource(resource.Type) && !ruleOf(resource.Type)) unknownTypes.add(resource.Type);
  }
  for (const type of unknownTypes) {
    failures.push(
      `${type}: no update rules; read its replacement properties first (test/support/cfn-update-rules.ts)`,
    );
  }

  // Replacement, to a fixed point: a replaced resource changes the values that refer to it.
  const replaced = new Map<string, string[]>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of kept) {
      const old = was[id] as TemplateResource;
      const next = now[id] as TemplateResource;
      if (replaced.has(id) || old.Type !== next.Type) continue;
      const rule = ruleOf(next.Type);
      if (!rule) continue;
      const reasons = rule.replacement.filter(
        (property) =>
          !sameValue(old.Properties?.[property], next.Properties?.[property], new Set(replaced.keys())),
      );
      if (reasons.length > 0) {
        replaced.set(id, reasons);
        changed = true;
      }
    }
  }
  const replacedIds = new Set(replaced.keys());

  for (const id of kept) {
    const old = was[id] as TemplateResource;
    const next = now[id] as TemplateResource;
    if (old.Type !== next.Type) {
      failures.push(
        `${id}: type changes from ${old.Type} to ${next.Type} (Update of resource type is not permitted)`,
      );
      continue;
    }
    if (isCustomResource(next.Type)) {
      const token = CUSTOM_RESOURCE_RULE.immutable;
      if (!sameValue(old.Properties?.[token], next.Properties?.[token], replacedIds)) {
        failures.push(
          `${label(id, next)}: its ${token} changes from ${JSON.stringify(old.Properties?.[token])} to ${JSON.stringify(next.Properties?.[token])}: "Modifying service token is not allowed" (${CUSTOM_RESOURCE_RULE.source})`,
        );
      }
    }
    const rule = ruleOf(next.Type);
    const reasons = replaced.get(id);
    if (rule?.name && reasons) {
      const name = next.Properties?.[rule.name];
      if (name !== undefined && sameValue(old.Properties?.[rule.name], name, new Set())) {
        failures.push(
          `${label(id, next)}: replaced (${reasons.join(', ')} changes) under the same ${rule.name} ${JSON.stringify(name)}: the new one is created first and fails, "already exists"`,
        );
      }
    }
  }

  // Creates that meet a resource of the stack before under its name or identity.
  for (const id of [...added, ...replacedIds]) {
    const next = now[id] as TemplateResource;
    const rule = ruleOf(next.Type);
    if (!rule) continue;
    const keys = [...(rule.name ? [rule.name] : []), ...(rule.identity ?? [])];
    for (const key of keys) {
      const isName = key === rule.name;
      if (!isName && !(rule.identity ?? []).every((p) => next.Properties?.[p] !== undefined)) continue;
      if (isName && next.Properties?.[key] === undefined) continue;
      for (const [otherId, other] of Object.entries(was)) {
        if (otherId === id || other.Type !== next.Type) continue;
        const matches = isName
          ? sameValue(other.Properties?.[key], next.Properties?.[key], replacedIds)
          : (rule.identity ?? []).every((p) =>
              overlaps(other.Properties?.[p], next.Properties?.[p], replacedIds),
            );
        if (!matches) continue;
        const what = isName
          ? `the ${key} ${JSON.stringify(next.Properties?.[key])} of ${otherId}`
          : `the ${(rule.identity ?? []).join(' + ')} of ${otherId} (${rule.identityNote})`;
        failures.push(
          `${label(id, next)}: created with ${what}, which ${now[otherId] ? 'stays' : 'is deleted only after the creates'}`,
        );
      }
      if (!isName) break;
    }
  }

  // Deletes of removed custom resources go to their old service token.
  for (const id of removed) {
    const old = was[id] as TemplateResource;
    if (!isCustomResource(old.Type) || old.DeletionPolicy === 'Retain') continue;
    const token = old.Properties?.[CUSTOM_RESOURCE_RULE.immutable] as { 'Fn::GetAtt'?: unknown } | undefined;
    const getAtt = token?.['Fn::GetAtt'];
    const functionId = Array.isArray(getAtt) ? getAtt[0] : undefined;
    if (typeof functionId !== 'string') continue;
    const oldFunction = was[functionId];
    const newFunction = now[functionId];
    if (
      oldFunction?.Type === 'AWS::Lambda::Function' &&
      newFunction?.Type === 'AWS::Lambda::Function' &&
      oldFunction.Properties?.VpcConfig === undefined &&
      newFunction.Properties?.VpcConfig !== undefined
    ) {
      failures.push(
        `${label(id, old)}: removed, and its Delete goes to ${functionId}, which this update places in a VPC: its answer to CloudFormation's presigned S3 URL needs a path to S3 the subnets may not have, and the stack waits out the resource's timeout`,
      );
    }
  }

  return { replaced: Object.fromEntries(replaced), failures };
}

/** The failures of every stack both sides deploy, each prefixed with its stack. */
export function judgeStacks(before: StackTemplates, after: StackTemplates): string[] {
  return Object.entries(after).flatMap(([stack, template]) => {
    const was = before[stack];
    return was ? judgeUpdate(was, template).failures.map((line) => `${stack}: ${line}`) : [];
  });
}

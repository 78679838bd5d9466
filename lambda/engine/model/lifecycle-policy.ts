/**
 * ECR lifecycle policies, parsed and evaluated locally: which images of a repository a policy expires or moves to
 * the archive storage class, by which rule, and when. Pure (no SDK, no I/O): the inventory check
 * (lambda/engine/inventory/) hands it the repository's images and the policy text and asks about the images in use.
 *
 * The semantics are ECR's documented ones (Amazon ECR User Guide):
 * - "Lifecycle policy evaluation rules" (LifecyclePolicies.html#lp_evaluation_rules): all rules are evaluated,
 *   then applied in priority order (lowest number first); an image is acted on by exactly one or zero rules; an
 *   image that matches the tagging requirements of a rule cannot be acted on by a rule of lower priority (a rule
 *   still counts the images of higher-priority rules, it just cannot mark them); count rules order by push time
 *   (youngest kept); age rules act on images older than `countNumber` days.
 * - "Lifecycle policy properties" (lifecycle_policy_parameters.html): `tagStatus` tagged/untagged/any,
 *   `tagPrefixList`, `tagPatternList` (`*` wildcards, at most four per pattern; every pattern, or prefix, must
 *   match one of the image's tags), `storageClass` standard/archive (which images a rule selects; standard when
 *   absent), `countType` imageCountMoreThan/sinceImagePushed/sinceImagePulled/sinceImageTransitioned, `countUnit`
 *   days, `countNumber` ≥ 1, `action.type` expire/transition with `targetStorageClass` archive.
 * - "Examples of lifecycle policies" (lifecycle_policy_examples.html): test/inventory-lifecycle.test.ts runs each.
 */

export type TagStatus = 'tagged' | 'untagged' | 'any';
export type CountType =
  | 'imageCountMoreThan'
  | 'sinceImagePushed'
  | 'sinceImagePulled'
  | 'sinceImageTransitioned';
export type StorageClass = 'standard' | 'archive';
export type LifecycleActionType = 'expire' | 'transition';

export interface LifecycleRule {
  readonly rulePriority: number;
  readonly description?: string;
  readonly selection: {
    readonly tagStatus: TagStatus;
    readonly tagPrefixList?: readonly string[];
    readonly tagPatternList?: readonly string[];
    /** Which images the rule selects. @default 'standard' */
    readonly storageClass?: StorageClass;
    readonly countType: CountType;
    readonly countUnit?: 'days';
    readonly countNumber: number;
  };
  readonly action: { readonly type: LifecycleActionType; readonly targetStorageClass?: 'archive' };
}

export interface LifecyclePolicy {
  /** In priority order, lowest number first. */
  readonly rules: readonly LifecycleRule[];
}

/** An image as the evaluator needs it (DescribeImages `imageDetails[]`, times in epoch ms). */
export interface LifecycleImage {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly pushedAt: number;
  /** `lastRecordedPullTime`; absent when never pulled (or not recorded). */
  readonly lastPulledAt?: number;
  /** `imageStatus` ARCHIVED → archive; ACTIVE and ACTIVATING (being restored) → standard. */
  readonly storageClass: StorageClass;
  /** `lastArchivedAt`. */
  readonly lastArchivedAt?: number;
}

/** What a policy does to one image. */
export type LifecycleOutcome =
  | { readonly kind: 'unaffected'; readonly rule?: undefined }
  | {
      /** The governing rule acts at `dueAt` (epoch ms; ≤ now: at ECR's next run, within 24 hours). */
      readonly kind: 'due';
      readonly rule: LifecycleRule;
      readonly action: LifecycleActionType;
      readonly dueAt: number;
    }
  | {
      /** A count rule keeps it until `newerToSpare` more images matching the rule are pushed. */
      readonly kind: 'counted';
      readonly rule: LifecycleRule;
      readonly action: LifecycleActionType;
      readonly newerToSpare: number;
    };

export const DAY_MS = 86_400_000;
/** "Each string can contain up to four wildcards" (lifecycle_policy_parameters.html, tagPatternList). */
export const MAX_PATTERN_WILDCARDS = 4;

const TAG_STATUSES: readonly TagStatus[] = ['tagged', 'untagged', 'any'];
const COUNT_TYPES: readonly CountType[] = [
  'imageCountMoreThan',
  'sinceImagePushed',
  'sinceImagePulled',
  'sinceImageTransitioned',
];
const STORAGE_CLASSES: readonly StorageClass[] = ['standard', 'archive'];
const ACTIONS: readonly LifecycleActionType[] = ['expire', 'transition'];

export class LifecyclePolicyError extends Error {
  override readonly name = 'LifecyclePolicyError';
}

/**
 * The policy text ECR returns (`GetLifecyclePolicy` `lifecyclePolicyText`), checked as ECR checks it when the
 * policy is put, so a policy ECR would refuse is named rather than half-evaluated. Throws {@link LifecyclePolicyError}
 * naming the rule, the field, the value and what is allowed.
 */
export function parseLifecyclePolicy(text: string): LifecyclePolicy {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new LifecyclePolicyError(`lifecycle policy is not JSON: ${(error as Error).message}`);
  }
  const rules = (document as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules) || rules.length === 0)
    throw new LifecyclePolicyError('lifecycle policy: "rules" must be a non-empty array');
  const parsed = rules.map((rule, index) => parseRule(rule, index));
  parsed.sort((a, b) => a.rulePriority - b.rulePriority);
  const priorities = new Set<number>();
  for (const rule of parsed) {
    if (priorities.has(rule.rulePriority))
      throw new LifecyclePolicyError(`lifecycle policy: rulePriority ${rule.rulePriority} is used twice`);
    priorities.add(rule.rulePriority);
  }
  // "A rule with a tagStatus value of any must have the highest value for rulePriority"; "only one rule is allowed
  // to select untagged images" (per storage class: an archive rule selects other images than a standard one).
  const anyRule = parsed.slice(0, -1).find((rule) => rule.selection.tagStatus === 'any');
  if (anyRule)
    throw new LifecyclePolicyError(
      `lifecycle policy: the rule with tagStatus "any" (priority ${anyRule.rulePriority}) must have the highest rulePriority`,
    );
  for (const storage of STORAGE_CLASSES) {
    const untagged = parsed.filter(
      (rule) => rule.selection.tagStatus === 'untagged' && rule.selection.storageClass === storage,
    );
    if (untagged.length > 1)
      throw new LifecyclePolicyError(
        `lifecycle policy: only one rule may select untagged ${storage} images; priorities ${untagged.map((r) => r.rulePriority).join(', ')} both do`,
      );
  }
  return { rules: parsed };
}

function parseRule(raw: unknown, index: number): LifecycleRule {
  const where = `lifecycle policy rules[${index}]`;
  const fail = (field: string, value: unknown, allowed: string): never => {
    throw new LifecyclePolicyError(`${where}.${field} is ${JSON.stringify(value)}; allowed: ${allowed}`);
  };
  const rule = (raw ?? {}) as Record<string, unknown>;
  const selection = (rule.selection ?? {}) as Record<string, unknown>;
  const action = (rule.action ?? {}) as Record<string, unknown>;
  const rulePriority = rule.rulePriority;
  if (!Number.isInteger(rulePriority) || (rulePriority as number) < 1)
    fail('rulePriority', rulePriority, 'an integer ≥ 1');
  const tagStatus = selection.tagStatus as TagStatus;
  if (!TAG_STATUSES.includes(tagStatus)) fail('selection.tagStatus', tagStatus, TAG_STATUSES.join(', '));
  const prefixes = stringList(selection.tagPrefixList, `${where}.selection.tagPrefixList`);
  const patterns = stringList(selection.tagPatternList, `${where}.selection.tagPatternList`);
  if (tagStatus === 'tagged' && !prefixes && !patterns)
    fail('selection', 'tagged without tagPrefixList or tagPatternList', 'one of the two lists');
  if (tagStatus !== 'tagged' && (prefixes || patterns))
    fail('selection.tagStatus', tagStatus, '"tagged" when tagPrefixList or tagPatternList is given');
  for (const pattern of patterns ?? []) {
    if ((pattern.match(/\*/g)?.length ?? 0) > MAX_PATTERN_WILDCARDS)
      fail('selection.tagPatternList', pattern, `at most ${MAX_PATTERN_WILDCARDS} wildcards per pattern`);
  }
  const storageClass = (selection.storageClass ?? 'standard') as StorageClass;
  if (!STORAGE_CLASSES.includes(storageClass))
    fail('selection.storageClass', selection.storageClass, STORAGE_CLASSES.join(', '));
  const countType = selection.countType as CountType;
  if (!COUNT_TYPES.includes(countType)) fail('selection.countType', countType, COUNT_TYPES.join(', '));
  const countNumber = selection.countNumber;
  if (!Number.isInteger(countNumber) || (countNumber as number) < 1)
    fail('selection.countNumber', countNumber, 'a positive integer');
  const byAge = countType !== 'imageCountMoreThan';
  if (byAge && selection.countUnit !== 'days') fail('selection.countUnit', selection.countUnit, '"days"');
  if (!byAge && selection.countUnit !== undefined)
    fail('selection.countUnit', selection.countUnit, 'nothing with imageCountMoreThan');
  const type = action.type as LifecycleActionType;
  if (!ACTIONS.includes(type)) fail('action.type', type, ACTIONS.join(', '));
  if (type === 'transition' && action.targetStorageClass !== 'archive')
    fail('action.targetStorageClass', action.targetStorageClass, '"archive" with a transition');
  if (countType === 'sinceImageTransitioned' && storageClass !== 'archive')
    fail('selection.storageClass', storageClass, '"archive" with sinceImageTransitioned');
  return {
    rulePriority: rulePriority as number,
    ...(typeof rule.description === 'string' ? { description: rule.description } : {}),
    selection: {
      tagStatus,
      ...(prefixes ? { tagPrefixList: prefixes } : {}),
      ...(patterns ? { tagPatternList: patterns } : {}),
      storageClass,
      countType,
      ...(byAge ? { countUnit: 'days' as const } : {}),
      countNumber: countNumber as number,
    },
    action: type === 'transition' ? { type, targetStorageClass: 'archive' } : { type },
  };
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || v === ''))
    throw new LifecyclePolicyError(
      `${where} is ${JSON.stringify(value)}; allowed: a non-empty list of strings`,
    );
  return value as string[];
}

/** A tagPatternList entry as an anchored regular expression: `*` is any run of characters, the rest literal. */
function patternRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Whether the rule's tag and storage-class selection takes the image (its "tagging requirements"). */
export function ruleSelects(rule: LifecycleRule, image: LifecycleImage): boolean {
  const { selection } = rule;
  if ((selection.storageClass ?? 'standard') !== image.storageClass) return false;
  switch (selection.tagStatus) {
    case 'any':
      return true;
    case 'untagged':
      return image.tags.length === 0;
    default: {
      if (image.tags.length === 0) return false;
      // "Only the images with all specified tags are selected": every prefix/pattern matches one of its tags.
      const prefixesMatch = (selection.tagPrefixList ?? []).every((prefix) =>
        image.tags.some((tag) => tag.startsWith(prefix)),
      );
      const patternsMatch = (selection.tagPatternList ?? [])
        .map(patternRegExp)
        .every((pattern) => image.tags.some((tag) => pattern.test(tag)));
      return prefixesMatch && patternsMatch;
    }
  }
}

/** The time an age rule counts from, or undefined when the image has none (never archived, for instance). */
function ageBase(rule: LifecycleRule, image: LifecycleImage): number | undefined {
  switch (rule.selection.countType) {
    case 'sinceImagePushed':
      return image.pushedAt;
    // An image never pulled counts from its push (ECR records pulls from when the feature started).
    case 'sinceImagePulled':
      return image.lastPulledAt ?? image.pushedAt;
    case 'sinceImageTransitioned':
      return image.lastArchivedAt;
    default:
      return undefined;
  }
}

/**
 * What the policy does to every image of the repository, keyed by digest. `images` is the whole repository
 * (count rules count every image their selection takes, the images in use or not), `now` the evaluation time.
 */
export function evaluateLifecyclePolicy(
  policy: LifecyclePolicy,
  images: readonly LifecycleImage[],
  now: number,
): Map<string, LifecycleOutcome> {
  const outcomes = new Map<string, LifecycleOutcome>();
  // Youngest first: count rules keep the first countNumber of their selection. Ties keep the input order reversed
  // (a later entry was pushed later).
  const byAge = images.map((image, index) => ({ image, index }));
  byAge.sort((a, b) => b.image.pushedAt - a.image.pushedAt || b.index - a.index);
  const rank = new Map<LifecycleRule, Map<string, number>>();
  for (const rule of policy.rules) {
    const ranks = new Map<string, number>();
    let position = 0;
    for (const { image } of byAge) if (ruleSelects(rule, image)) ranks.set(image.digest, position++);
    rank.set(rule, ranks);
  }
  for (const image of images) {
    // The governing rule: the highest-priority rule whose selection takes the image. Lower rules can never act on
    // it; if it does not act, nothing does.
    const rule = policy.rules.find((candidate) => ruleSelects(candidate, image));
    if (!rule) {
      outcomes.set(image.digest, { kind: 'unaffected' });
      continue;
    }
    const action = rule.action.type;
    const { countType, countNumber } = rule.selection;
    if (countType === 'imageCountMoreThan') {
      const position = rank.get(rule)?.get(image.digest) ?? 0;
      outcomes.set(
        image.digest,
        position >= countNumber
          ? { kind: 'due', rule, action, dueAt: now }
          : { kind: 'counted', rule, action, newerToSpare: countNumber - position },
      );
      continue;
    }
    const base = ageBase(rule, image);
    if (base === undefined) {
      outcomes.set(image.digest, { kind: 'unaffected' });
      continue;
    }
    // "Older than countNumber days": acts once the age exceeds it.
    outcomes.set(image.digest, { kind: 'due', rule, action, dueAt: base + countNumber * DAY_MS });
  }
  return outcomes;
}

/** "priority 2 (“Keep 10 prod images”)": how a notification names a rule. */
export function describeRule(rule: LifecycleRule): string {
  return rule.description
    ? `priority ${rule.rulePriority} ("${rule.description}")`
    : `priority ${rule.rulePriority}`;
}

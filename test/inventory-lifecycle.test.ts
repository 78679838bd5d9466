import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  evaluateLifecyclePolicy,
  type LifecycleImage,
  LifecyclePolicyError,
  parseLifecyclePolicy,
} from '../lambda/engine/model/lifecycle-policy.ts';

/**
 * The lifecycle evaluator against ECR's documentation. Each case names its page:
 * EXAMPLES = "Examples of lifecycle policies in Amazon ECR", RULES = "Lifecycle policy evaluation rules",
 * PROPERTIES = "Lifecycle policy properties in Amazon ECR" (Amazon ECR User Guide).
 */
const GUIDE = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide';
const EXAMPLES = `${GUIDE}/lifecycle_policy_examples.html`;
const RULES = `${GUIDE}/LifecyclePolicies.html#lp_evaluation_rules`;
const PROPERTIES = `${GUIDE}/lifecycle_policy_parameters.html`;

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

/** "Image A, Taglist: [...], Pushed: N days ago"; `minutes` orders images pushed the same day. */
function image(
  name: string,
  tags: string[],
  daysAgo: number,
  extra: Partial<LifecycleImage> & { minutes?: number } = {},
): LifecycleImage {
  const { minutes = 0, ...rest } = extra;
  return {
    digest: name,
    tags,
    pushedAt: NOW - daysAgo * DAY_MS + minutes * 60_000,
    storageClass: 'standard',
    ...rest,
  };
}

interface Rule {
  priority: number;
  selection: Record<string, unknown>;
  action?: Record<string, unknown>;
  description?: string;
}

function policy(...rules: Rule[]): string {
  return JSON.stringify({
    rules: rules.map((r) => ({
      rulePriority: r.priority,
      description: r.description ?? `Rule ${r.priority}`,
      selection: r.selection,
      action: r.action ?? { type: 'expire' },
    })),
  });
}

/** The images the policy acts on now (ECR's next run), sorted by name. */
function actedOnNow(text: string, images: LifecycleImage[]): string[] {
  const outcomes = evaluateLifecyclePolicy(parseLifecyclePolicy(text), images, NOW);
  return [...outcomes]
    .filter(([, o]) => o.kind === 'due' && o.dueAt <= NOW)
    .map(([digest]) => digest)
    .sort();
}

describe(`lifecycle policy examples (${EXAMPLES})`, () => {
  it('"Filtering on image age": tagged prod* older than 14 days expire (#lifecycle_policy_example_age)', () => {
    const text = policy({
      priority: 1,
      description: 'Expire images older than 14 days',
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['prod*'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 14,
      },
    });
    const images = [
      image('old-prod', ['prod-1'], 15),
      image('new-prod', ['prod2'], 13),
      image('old-dev', ['dev-1'], 30),
      image('old-untagged', [], 30),
    ];
    expect(actedOnNow(text, images)).toEqual(['old-prod']);
    // The 13-day-old one is due in a day: reported with when.
    const outcome = evaluateLifecyclePolicy(parseLifecyclePolicy(text), images, NOW).get('new-prod');
    expect(outcome).toMatchObject({ kind: 'due', action: 'expire', dueAt: NOW + DAY_MS });
  });

  it('"Filtering on image age", the earlier form: untagged older than 14 days expire', () => {
    const text = policy({
      priority: 1,
      selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 },
    });
    expect(actedOnNow(text, [image('a', [], 20), image('b', [], 10), image('c', ['v1'], 20)])).toEqual(['a']);
  });

  it('"Filtering on image count": keeps one untagged image (#lifecycle_policy_example_number)', () => {
    const text = policy({
      priority: 1,
      description: 'Keep only one untagged image, expire all others',
      selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
    });
    const images = [image('a', [], 3), image('b', [], 2), image('c', [], 1), image('t', ['latest'], 5)];
    expect(actedOnNow(text, images)).toEqual(['a', 'b']);
    expect(evaluateLifecyclePolicy(parseLifecyclePolicy(text), images, NOW).get('c')).toMatchObject({
      kind: 'counted',
      newerToSpare: 1,
    });
  });

  const multipleRulesRepository = () => [
    image('A', ['beta-1', 'prod-1'], 10),
    image('B', ['beta-2', 'prod-2'], 9),
    image('C', ['beta-3'], 8),
  ];
  const countRule = (priority: number, prefix: string): Rule => ({
    priority,
    selection: {
      tagStatus: 'tagged',
      tagPrefixList: [prefix],
      countType: 'imageCountMoreThan',
      countNumber: 1,
    },
  });

  it('"Filtering on multiple rules", Example A: only image A expires (#lp_example_multiple_a)', () => {
    // Rule 2 would mark A and B, but B matches Rule 1's tags, so a lower-priority rule cannot expire it.
    expect(actedOnNow(policy(countRule(1, 'prod'), countRule(2, 'beta')), multipleRulesRepository())).toEqual(
      ['A'],
    );
  });

  it('"Filtering on multiple rules", Example B: images A and B expire (#lp_example_multiple_b)', () => {
    expect(actedOnNow(policy(countRule(1, 'beta'), countRule(2, 'prod')), multipleRulesRepository())).toEqual(
      ['A', 'B'],
    );
  });

  it.each([
    ['tagPrefixList', ['alpha', 'beta']],
    ['tagPatternList', ['alpha*', 'beta*']],
  ])(
    '"Filtering on multiple tags in a single rule", Example A with %s: image C expires (#lp_example_difftype_a)',
    (list, values) => {
      const text = policy({
        priority: 1,
        selection: {
          tagStatus: 'tagged',
          [list]: values,
          countType: 'sinceImagePushed',
          countNumber: 5,
          countUnit: 'days',
        },
      });
      const images = [
        image('A', ['alpha-1'], 12),
        image('B', ['beta-1'], 11),
        image('C', ['alpha-2', 'beta-2'], 10),
        image('D', ['alpha-3'], 4),
        image('E', ['beta-3'], 3),
        image('F', ['alpha-4', 'beta-4'], 2),
      ];
      expect(actedOnNow(text, images)).toEqual(['C']);
    },
  );

  it.each([
    ['tagPrefixList', ['alpha', 'beta']],
    ['tagPatternList', ['alpha*', 'beta*']],
  ])(
    '"Filtering on multiple tags in a single rule", Example B with %s: tags are not exclusive, A and B expire (#lp_example_difftype_b)',
    (list, values) => {
      const text = policy({
        priority: 1,
        selection: { tagStatus: 'tagged', [list]: values, countType: 'imageCountMoreThan', countNumber: 1 },
      });
      const images = [
        image('A', ['alpha-1', 'beta-1', 'gamma-1'], 10),
        image('B', ['alpha-2', 'beta-2'], 9),
        image('C', ['alpha-3', 'beta-3', 'gamma-2'], 8),
      ];
      expect(actedOnNow(text, images)).toEqual(['A', 'B']);
    },
  );

  it('"Filtering on all images", Example A: all but the newest expire (#lp_example_allimages)', () => {
    const text = policy({
      priority: 1,
      selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
    });
    const images = [
      image('A', ['alpha-1'], 4),
      image('B', ['beta-1'], 3),
      image('C', [], 2),
      image('D', ['alpha-2'], 1),
    ];
    expect(actedOnNow(text, images)).toEqual(['A', 'B', 'C']);
  });

  it('"Filtering on all images", Example B: every rule type in one policy, A, B and D expire', () => {
    const text = policy(
      {
        priority: 1,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: ['alpha'],
          countType: 'imageCountMoreThan',
          countNumber: 1,
        },
      },
      {
        priority: 2,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: 1,
        },
      },
      { priority: 3, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 } },
    );
    // D and E were both pushed "1 day ago"; the example keeps E, so E is the later push.
    const images = [
      image('A', ['alpha-1', 'beta-1'], 4),
      image('B', [], 3),
      image('C', ['alpha-2'], 2),
      image('D', ['git hash'], 1),
      image('E', [], 1, { minutes: 1 }),
    ];
    // Rule 3 counts all five but cannot mark A, B, C or E: higher-priority rules select them.
    expect(actedOnNow(text, images)).toEqual(['A', 'B', 'D']);
  });
});

describe(`evaluation rules (${RULES})`, () => {
  it('applies rules by priority whatever their order in the text', () => {
    const rules = [
      {
        priority: 2,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: ['beta'],
          countType: 'imageCountMoreThan',
          countNumber: 1,
        },
      },
      {
        priority: 1,
        selection: {
          tagStatus: 'tagged',
          tagPrefixList: ['prod'],
          countType: 'imageCountMoreThan',
          countNumber: 1,
        },
      },
    ];
    const images = [
      image('A', ['beta-1', 'prod-1'], 10),
      image('B', ['beta-2', 'prod-2'], 9),
      image('C', ['beta-3'], 8),
    ];
    expect(actedOnNow(policy(...rules), images)).toEqual(['A']);
  });

  it('a tag prefix matches the start of a tag only; a pattern must match the whole tag', () => {
    const byPrefix = policy({
      priority: 1,
      selection: {
        tagStatus: 'tagged',
        tagPrefixList: ['prod'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 1,
      },
    });
    expect(actedOnNow(byPrefix, [image('a', ['preprod'], 5), image('b', ['production'], 5)])).toEqual(['b']);
    const byPattern = policy({
      priority: 1,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['*prod'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 1,
      },
    });
    expect(actedOnNow(byPattern, [image('a', ['preprod'], 5), image('b', ['production'], 5)])).toEqual(['a']);
  });

  it('wildcards match any run of characters and nothing else is special in a pattern', () => {
    const text = policy({
      priority: 1,
      selection: {
        tagStatus: 'tagged',
        tagPatternList: ['v1.*-rc*'],
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: 1,
      },
    });
    expect(
      actedOnNow(text, [image('a', ['v1.2-rc3'], 5), image('b', ['v1x2-rc3'], 5), image('c', ['v1.-rc'], 5)]),
    ).toEqual(['a', 'c']);
  });

  it('an age rule acts only past countNumber days, and says when', () => {
    const text = policy({
      priority: 1,
      selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
    });
    const outcomes = evaluateLifecyclePolicy(parseLifecyclePolicy(text), [image('a', ['x'], 3)], NOW);
    expect(outcomes.get('a')).toMatchObject({
      kind: 'due',
      dueAt: NOW + 4 * DAY_MS,
      rule: { rulePriority: 1 },
    });
  });
});

describe(`archive storage class (${PROPERTIES})`, () => {
  const archiveUnpulled = policy({
    priority: 1,
    description: 'Archive images not pulled in 90 days',
    selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
    action: { type: 'transition', targetStorageClass: 'archive' },
  });

  it('sinceImagePulled counts from the last recorded pull, or the push when never pulled', () => {
    const images = [
      image('pulled-lately', ['v1'], 200, { lastPulledAt: NOW - 10 * DAY_MS }),
      image('pulled-long-ago', ['v2'], 200, { lastPulledAt: NOW - 100 * DAY_MS }),
      image('never-pulled', ['v3'], 95),
    ];
    expect(actedOnNow(archiveUnpulled, images)).toEqual(['never-pulled', 'pulled-long-ago']);
    expect(
      evaluateLifecyclePolicy(parseLifecyclePolicy(archiveUnpulled), images, NOW).get('pulled-lately'),
    ).toMatchObject({
      kind: 'due',
      action: 'transition',
      dueAt: NOW + 80 * DAY_MS,
    });
  });

  it('a rule selects standard images unless it says storageClass archive', () => {
    const images = [
      image('archived', ['v1'], 400, { storageClass: 'archive', lastArchivedAt: NOW - 100 * DAY_MS }),
    ];
    expect(actedOnNow(archiveUnpulled, images)).toEqual([]);
    const expireArchived = policy({
      priority: 1,
      selection: {
        tagStatus: 'any',
        storageClass: 'archive',
        countType: 'sinceImageTransitioned',
        countUnit: 'days',
        countNumber: 90,
      },
    });
    expect(actedOnNow(expireArchived, images)).toEqual(['archived']);
  });
});

describe('policies ECR would refuse are named, not evaluated', () => {
  it.each([
    ['not JSON', '{', /not JSON/],
    ['no rules', '{"rules":[]}', /non-empty array/],
    [
      'tagged without a list',
      policy({
        priority: 1,
        selection: { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 },
      }),
      /tagPrefixList or tagPatternList/,
    ],
    [
      'a zero count',
      policy({
        priority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 0 },
      }),
      /countNumber is 0; allowed: a positive integer/,
    ],
    [
      'an age rule without days',
      policy({ priority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countNumber: 3 } }),
      /countUnit/,
    ],
    [
      'five wildcards',
      policy({
        priority: 1,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['test*1*2*3*4*5'],
          countType: 'imageCountMoreThan',
          countNumber: 1,
        },
      }),
      /at most 4 wildcards/,
    ],
    [
      '"any" before another rule',
      policy(
        { priority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 } },
        {
          priority: 2,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
        },
      ),
      /highest rulePriority/,
    ],
    [
      'a duplicate priority',
      policy(
        {
          priority: 1,
          selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 },
        },
        {
          priority: 1,
          selection: {
            tagStatus: 'tagged',
            tagPrefixList: ['a'],
            countType: 'imageCountMoreThan',
            countNumber: 1,
          },
        },
      ),
      /used twice/,
    ],
    [
      'a transition without a target',
      policy({
        priority: 1,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 },
        action: { type: 'transition' },
      }),
      /targetStorageClass/,
    ],
  ])('%s', (_name, text, message) => {
    expect(() => parseLifecyclePolicy(text)).toThrow(LifecyclePolicyError);
    expect(() => parseLifecyclePolicy(text)).toThrow(message);
  });
});

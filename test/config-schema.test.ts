import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../lambda/engine/config/validate.ts';
import { LIMITS } from '../lambda/engine/model/limits.ts';
import {
  configJsonSchema,
  generatedFiles,
  REFERENCE_END,
  REFERENCE_PATH,
  REFERENCE_START,
  SCHEMA_PATH,
} from '../scripts/config-schema.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const committedSchema = readFileSync(SCHEMA_PATH, 'utf8');
const committedPage = readFileSync(REFERENCE_PATH, 'utf8');
const EXAMPLES = ['canary.config.example.json', 'canary.org.example.json'];

// ajv checks the schema itself against the draft-07 meta-schema when it compiles it (strict mode also refuses
// unknown keywords), and evaluates `pattern` as a JavaScript RegExp with the `u` flag, as JSON Schema says.
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(JSON.parse(committedSchema), 'config');
const schemaAccepts = (config: unknown) => ajv.validate('config', config);

describe('the generated files', () => {
  it('schema/canary.config.schema.json and the reference in docs/configuration.md are what `npm run schema` writes', () => {
    const generated = generatedFiles(committedPage);
    expect(committedSchema).toBe(generated.schema);
    expect(committedPage).toBe(generated.page);
    expect(committedPage.indexOf(REFERENCE_START)).toBeLessThan(committedPage.indexOf(REFERENCE_END));
  });

  it('the schema is a draft-07 schema whose every example is valid for its own key', () => {
    const schema = configJsonSchema();
    const examples: Array<[string, unknown]> = [];
    const walk = (node: unknown, pointer: string) => {
      if (typeof node !== 'object' || node === null) return;
      const { examples: given } = node as { examples?: unknown[] };
      for (const example of given ?? []) examples.push([pointer, example]);
      for (const [key, child] of Object.entries(node)) {
        if (key !== 'examples') walk(child, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`);
      }
    };
    walk(schema, '');
    expect(examples.length).toBeGreaterThan(20);
    for (const [pointer, example] of examples) {
      expect(
        ajv.validate({ $ref: `config#${pointer}` }, example),
        `${pointer}: ${JSON.stringify(example)}`,
      ).toBe(true);
    }
  });

  it.each(EXAMPLES)(
    '%s names the committed schema in "$schema" and both the schema and the canary accept it',
    (name) => {
      const example = JSON.parse(readFileSync(resolve(root, name), 'utf8'));
      expect(resolve(dirname(resolve(root, name)), example.$schema)).toBe(SCHEMA_PATH);
      expect(schemaAccepts(example), JSON.stringify(ajv.errors)).toBe(true);
      expect(validateConfig(example).problems).toEqual([]);
    },
  );
});

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/api:stable`;
const base = (extra: Record<string, unknown>) => ({ regions: [REGION], ...extra });

/** Accepted by both: every key, at the edges of its range. */
const VALID: Array<[string, unknown]> = [
  ['the least file', { regions: [REGION] }],
  ['a top-level vpc of null (no VPC, as when absent)', base({ vpc: null })],
  ['a $schema key', base({ $schema: './schema/canary.config.schema.json' })],
  [
    'every top-level key at an edge',
    base({
      name: 'a1',
      account: ACCOUNT,
      namespace: 'Platform/EcrCanary',
      scheduleMinutes: 60,
      memoryMiB: 10_240,
      logRetentionDays: 9999,
      reminderHours: 0.25,
      knownGoodImage: false,
      dashboard: false,
      targets: [{ image: 'team/api:1' }],
      workloadWatch: { ecsTasks: false, ecrApiCalls: true },
    }),
  ],
  [
    'every target key',
    base({
      targets: [
        {
          image: IMAGE,
          name: 'api',
          region: REGION,
          platforms: ['linux/amd64', 'linux/arm/v7'],
          assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/eks-node-role`,
          expectedPrincipal: `arn:aws:sts::${ACCOUNT}:assumed-role/eks-node-role/canary`,
          expectedDigest: `sha256:${'a'.repeat(64)}`,
          layerCheck: false,
          pullThroughCache: true,
        },
        { image: 'docker.io/library/nginx:1', registryUrl: 'https://mirror.example.com:5000' },
      ],
    }),
  ],
  [
    'notifications on an existing topic',
    base({
      account: ACCOUNT,
      notifications: {
        topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:pager`,
        topicKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        subscribeExistingTopic: true,
      },
    }),
  ],
  [
    'notifications on a new topic',
    base({
      notifications: {
        emails: ['oncall@example.com'],
        httpsEndpoints: ['https://events.pagerduty.com/integration/KEY/enqueue'],
        encryption: true,
      },
    }),
  ],
  [
    'every alarm tuned',
    base({
      alarms: {
        auth: { enabled: false, threshold: 1000, datapointsToAlarm: 1, evaluationPeriods: 1 },
        throttle: { threshold: 1 },
        availability: { datapointsToAlarm: 3, evaluationPeriods: 5 },
        clockSkew: { thresholdSeconds: 900 },
        heartbeat: { periodMultiplier: 12, datapointsToAlarm: 3, evaluationPeriods: 3 },
        latency: { thresholdMs: 60_000, statistic: 'Maximum' },
      },
    }),
  ],
  [
    'region overrides',
    {
      regions: [REGION, 'us-east-1'],
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0a1b2c3d'] },
      regionOverrides: { 'us-east-1': { vpc: null, targets: [], notifications: { encryption: true } } },
    },
  ],
];

/** Refused by both: one mistake in one key, each a rule the declarations hold. */
const INVALID: Array<[string, unknown]> = [
  ['no regions', {}],
  ['an empty region list', { regions: [] }],
  ['a misspelled region', { regions: ['eu-wset-1'] }],
  ['an unknown key', base({ colour: 'blue' })],
  ['a name with a space', base({ name: 'Bad Name' })],
  ['a name too long', base({ name: `a${'b'.repeat(32)}` })],
  ['a reserved namespace', base({ namespace: 'aws/ECR' })],
  ['a short account', base({ account: '1234' })],
  ['a schedule of 0', base({ scheduleMinutes: 0 })],
  ['a schedule of 61', base({ scheduleMinutes: 61 })],
  ['a fractional schedule', base({ scheduleMinutes: 2.5 })],
  ['too little memory', base({ memoryMiB: 64 })],
  ['a retention CloudWatch does not offer', base({ logRetentionDays: 2 })],
  ['a reminder too often', base({ reminderHours: 0.1 })],
  ['a dashboard "yes"', base({ dashboard: 'yes' })],
  // Not a way to ask for the default: a typo never silently falls back to one.
  ['a schedule of null', base({ scheduleMinutes: null })],
  ['a name of null', base({ name: null })],
  ['a target without image', base({ targets: [{ name: 'x' }] })],
  ['an unknown target key', base({ targets: [{ image: 'a:1', tag: '1' }] })],
  ['a target region misspelled', base({ targets: [{ image: 'a:1', region: 'eu-wset-1' }] })],
  ['a target layerCheck "no"', base({ targets: [{ image: 'a:1', layerCheck: 'no' }] })],
  ['a target pullThroughCache 1', base({ targets: [{ image: 'a:1', pullThroughCache: 1 }] })],
  ['a platform without arch', base({ targets: [{ image: 'a:1', platforms: ['linux'] }] })],
  ['a role that is no ARN', base({ targets: [{ image: 'a:1', assumeRoleArn: 'eks-node-role' }] })],
  ['a short digest', base({ targets: [{ image: 'a:1', expectedDigest: 'sha256:abc' }] })],
  ['a plain-HTTP registry', base({ targets: [{ image: 'a:1', registryUrl: 'http://mirror.example.com' }] })],
  ['a target name with a space', base({ targets: [{ image: 'a:1', name: 'my api' }] })],
  [
    `${LIMITS.targetsPerRegion + 1} targets`,
    base({
      targets: Array.from({ length: LIMITS.targetsPerRegion + 1 }, (_, i) => ({ image: `app${i}:1` })),
    }),
  ],
  ['a malformed subnet', base({ vpc: { subnetIds: ['subnet-x'], securityGroupIds: ['sg-0a1b2c3d'] } })],
  ['a VPC without security groups', base({ vpc: { subnetIds: ['subnet-0a1b2c3d'] } })],
  ['an e-mail without domain', base({ notifications: { emails: ['nobody'] } })],
  ['a plain-HTTP endpoint', base({ notifications: { httpsEndpoints: ['http://example.com/hook'] } })],
  ['encryption "yes"', base({ notifications: { encryption: 'yes' } })],
  ['subscribeExistingTopic "yes"', base({ notifications: { subscribeExistingTopic: 'yes' } })],
  [
    'a topic ARN with a short account',
    base({ notifications: { topicArn: `arn:aws:sns:${REGION}:123:pager` } }),
  ],
  ['an unknown notifications key', base({ notifications: { email: ['oncall@example.com'] } })],
  ['an unknown alarm', base({ alarms: { slow: {} } })],
  ['an unknown statistic', base({ alarms: { latency: { statistic: 'p42' } } })],
  ['a threshold of 0', base({ alarms: { auth: { threshold: 0 } } })],
  ['a heartbeat multiplier of 13', base({ alarms: { heartbeat: { periodMultiplier: 13 } } })],
  ['a skew threshold of 901', base({ alarms: { clockSkew: { thresholdSeconds: 901 } } })],
  ['an alarm switch "no"', base({ alarms: { auth: { enabled: 'no' } } })],
  ['a workload watch switch "no"', base({ workloadWatch: { ecsTasks: 'no' } })],
  ['an unknown workload watch key', base({ workloadWatch: { ecs: true } })],
  ['an override for a misspelled region', base({ regionOverrides: { 'eu-wset-1': {} } })],
  ['an override VPC that is a number', base({ regionOverrides: { [REGION]: { vpc: 5 } } })],
  [
    'an organization ID of the wrong form',
    base({ account: ACCOUNT, organization: { organizationId: 'org-1', organizationalUnits: ['r-ab12'] } }),
  ],
  [
    'an empty OU list',
    base({ account: ACCOUNT, organization: { organizationId: 'o-a1b2c3d4e5', organizationalUnits: [] } }),
  ],
];

/** Refused by the canary only: rules that relate keys to each other, which stay code (lambda/engine/config/validate.ts). */
const CROSS_FIELD: Array<[string, unknown]> = [
  ['an override for a region not in regions', base({ regionOverrides: { 'us-east-1': {} } })],
  [
    'a topic in another region',
    base({ notifications: { topicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:pager` } }),
  ],
  ['M greater than N', base({ alarms: { auth: { datapointsToAlarm: 3, evaluationPeriods: 2 } } })],
  ['two targets with one name', base({ targets: [{ image: 'a:1' }, { image: 'a:1' }] })],
  [
    'a key of an existing topic without the topic',
    base({
      notifications: {
        topicKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      },
    }),
  ],
];

describe('the JSON Schema and the canary’s validator agree', () => {
  it.each(VALID)('both accept %s', (_name, config) => {
    expect(validateConfig(config).problems).toEqual([]);
    expect(schemaAccepts(config), JSON.stringify(ajv.errors)).toBe(true);
  });

  it.each(INVALID)('both refuse %s', (_name, config) => {
    expect(validateConfig(config).problems).not.toEqual([]);
    expect(schemaAccepts(config)).toBe(false);
  });

  it.each(CROSS_FIELD)(
    'the canary alone refuses %s (a rule between keys), which the schema lets through',
    (_n, config) => {
      expect(validateConfig(config).problems).not.toEqual([]);
      expect(schemaAccepts(config), JSON.stringify(ajv.errors)).toBe(true);
    },
  );
});

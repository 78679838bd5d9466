import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectedCalls } from '../lambda/engine/inventory/calls.ts';
import type { ImageCheck } from '../lambda/engine/inventory/check.ts';
import { clearTaskDefinitionCache } from '../lambda/engine/inventory/discover.ts';
import { type InventoryDouble, startInventoryDouble } from './support/inventory-double.ts';
import {
  ACCOUNT,
  addService,
  DAY,
  digest,
  emptyState,
  host,
  IDENTITY,
  inventory,
  OTHER_ACCOUNT,
  REGION,
  roleArn,
  taskDefinitionArn,
} from './support/inventory-fixtures.ts';

const NOW = Date.UTC(2026, 11, 7, 12);

let double: InventoryDouble;

beforeAll(async () => {
  double = await startInventoryDouble({ identities: [IDENTITY], state: emptyState() });
});
afterAll(() => double.close());
beforeEach(() => {
  double.state = Object.assign(double.state, emptyState());
  double.calls.length = 0;
  double.deniedRegistries.clear();
  clearTaskDefinitionCache();
});

const of = (checks: ImageCheck[], workload: string) => checks.filter((c) => c.workload.name === workload);

describe('discovery (ECS services and tasks, Lambda image functions) against the ECS and Lambda wire doubles', () => {
  it('pages through every list and batches the descriptions at each API maximum', async () => {
    const state = double.state;
    const d = digest('web');
    state.repositories[`${ACCOUNT}/web`] = { images: [{ digest: d, tags: ['v1'], pushedAt: NOW - DAY }] };
    // 230 services: three ListServices pages and 23 DescribeServices batches of 10.
    for (let i = 0; i < 230; i++)
      addService(state, { name: `svc-${i}`, image: `${host()}/web:v1`, runningDigest: d, tasks: 1 });
    // A standalone task and a Lambda image function; a zip function is not an image use.
    state.clusters.prod?.tasks.push({
      id: 'batch-1',
      group: 'family:nightly',
      taskDefinition: taskDefinitionArn('svc-0'),
      containers: [{ name: 'app', image: `${host()}/web:v1`, imageDigest: d }],
    });
    for (let i = 0; i < 60; i++) state.functions.push({ name: `zip-${i}`, packageType: 'Zip' });
    state.functions.push({
      name: 'api',
      packageType: 'Image',
      imageUri: `${host()}/web:v1`,
      resolvedImageUri: `${host()}/web@${d}`,
    });
    const report = await inventory(double, { now: NOW });
    expect(report.workloads).toEqual({ 'ecs-service': 230, 'ecs-task': 1, lambda: 1 });
    expect(report.atRiskTotal).toBe(0);
    expect(report.calls).toEqual({
      'ecr:DescribeImages': 1,
      'ecr:GetLifecyclePolicy': 1,
      'ecs:DescribeServices': 23,
      'ecs:DescribeTaskDefinition': 230,
      'ecs:DescribeTasks': 3,
      'ecs:ListClusters': 1,
      'ecs:ListServices': 3,
      'ecs:ListTasks': 3,
      'lambda:GetFunction': 1,
      'lambda:ListFunctions': 2,
    });
    // The count formula the docs state gives the same figure.
    expect(
      expectedCalls({
        clusters: [{ services: 230, runningTasks: 231 }],
        taskDefinitions: 230,
        functions: 61,
        imageFunctions: 1,
        repositories: [{ images: 1, crossAccount: false }],
      }),
    ).toBe(report.callsTotal);
  });

  it('describes a task definition once per ARN, and not again on the next run of a warm function', async () => {
    const d = digest('a');
    double.state.repositories[`${ACCOUNT}/a`] = { images: [{ digest: d, tags: ['1'], pushedAt: NOW }] };
    addService(double.state, { name: 'a', image: `${host()}/a:1`, runningDigest: d, tasks: 5 });
    await inventory(double, { now: NOW });
    const second = await inventory(double, { now: NOW });
    expect(double.calls.filter((c) => c.operation === 'DescribeTaskDefinition')).toHaveLength(1);
    expect(second.calls['ecs:DescribeTaskDefinition']).toBeUndefined();
  });

  it('skips services scaled to zero and images outside ECR, counting the latter', async () => {
    addService(double.state, { name: 'idle', image: `${host()}/gone:1`, desiredCount: 0, tasks: 0 });
    addService(double.state, { name: 'hub', image: 'nginx:1.27', tasks: 1 });
    const report = await inventory(double, { now: NOW });
    expect(report.checks).toEqual([]);
    expect(report.skipped).toEqual([
      { workload: 'prod/hub', image: 'nginx:1.27', why: 'not on an ECR registry host' },
    ]);
  });
});

describe('checks of every ECR image in use', () => {
  it('a deleted tag and a deleted running digest are at risk, with the fix', async () => {
    const running = digest('old');
    double.state.repositories[`${ACCOUNT}/api`] = {
      images: [{ digest: digest('other'), tags: ['v2'], pushedAt: NOW }],
    };
    addService(double.state, { name: 'api', image: `${host()}/api:v1`, runningDigest: running });
    const checks = of((await inventory(double, { now: NOW })).checks, 'prod/api');
    expect(checks.map((c) => [c.checked, c.status, c.reason])).toEqual([
      ['api:v1', 'at-risk', 'missing'],
      [`api@${running}`, 'at-risk', 'missing'],
    ]);
    expect(checks[1]?.fix).toBe(
      `re-push the image, or start a deployment that resolves the tag again: aws ecs update-service --cluster prod --service api --force-new-deployment --region ${REGION}`,
    );
  });

  it('a repository that no longer exists is at risk as missing', async () => {
    addService(double.state, { name: 'api', image: `${host()}/deleted:v1` });
    const [check] = (await inventory(double, { now: NOW })).checks;
    expect(check).toMatchObject({ status: 'at-risk', reason: 'missing' });
    expect(check?.detail).toContain('repository deleted does not exist');
  });

  it.each([
    ['ARCHIVED', 'is in the archive storage class'],
    ['ACTIVATING', 'is being restored from the archive'],
  ] as const)('an image in state %s cannot be pulled: at risk as archived', async (status, text) => {
    const d = digest('cold');
    double.state.repositories[`${ACCOUNT}/cold`] = {
      images: [{ digest: d, tags: ['v1'], pushedAt: NOW - 200 * DAY, status, lastArchivedAt: NOW - DAY }],
    };
    addService(double.state, { name: 'cold', image: `${host()}/cold:v1`, runningDigest: d });
    const checks = (await inventory(double, { now: NOW })).checks;
    expect(checks.map((c) => [c.status, c.reason])).toEqual([['at-risk', 'archived']]);
    expect(checks[0]?.detail).toContain(text);
    if (status === 'ARCHIVED')
      expect(checks[0]?.fix).toBe(
        `aws ecr update-image-storage-class --registry-id ${ACCOUNT} --repository-name cold --image-id imageDigest=${d} --target-storage-class STANDARD --region ${REGION}`,
      );
  });

  it('a lifecycle rule that expires the running image is reported before it runs, naming the rule', async () => {
    const running = digest('release-1');
    double.state.repositories[`${ACCOUNT}/shop`] = {
      images: [
        { digest: running, tags: ['release-1'], pushedAt: NOW - 30 * DAY },
        { digest: digest('release-2'), tags: ['release-2'], pushedAt: NOW - 2 * DAY },
        { digest: digest('release-3'), tags: ['release-3'], pushedAt: NOW - DAY },
      ],
      lifecyclePolicy: JSON.stringify({
        rules: [
          {
            rulePriority: 3,
            description: 'Keep the last two releases',
            selection: {
              tagStatus: 'tagged',
              tagPatternList: ['release-*'],
              countType: 'imageCountMoreThan',
              countNumber: 2,
            },
            action: { type: 'expire' },
          },
        ],
      }),
    };
    addService(double.state, { name: 'shop', image: `${host()}/shop:release-1`, runningDigest: running });
    const report = await inventory(double, { now: NOW });
    expect(report.checks).toEqual([
      expect.objectContaining({
        checked: 'shop:release-1',
        status: 'at-risk',
        reason: 'lifecycle',
        rule: { priority: 3, description: 'Keep the last two releases' },
        due: new Date(NOW).toISOString(),
      }),
    ]);
    expect(report.checks[0]?.detail).toBe(
      'lifecycle rule priority 3 ("Keep the last two releases") expires tag release-1 at its next run (within 24 hours)',
    );
    expect(report.atRisk).toEqual({ missing: 0, archived: 0, lifecycle: 1, 'pull-denied': 0 });
  });

  it('an age rule due beyond the horizon is a notice with its date, not a risk', async () => {
    const d = digest('x');
    double.state.repositories[`${ACCOUNT}/xx`] = {
      images: [{ digest: d, tags: ['v1'], pushedAt: NOW - 10 * DAY, lastPulledAt: NOW - 10 * DAY }],
      lifecyclePolicy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: 'Archive what nobody pulled for 30 days',
            selection: {
              tagStatus: 'any',
              countType: 'sinceImagePulled',
              countUnit: 'days',
              countNumber: 30,
            },
            action: { type: 'transition', targetStorageClass: 'archive' },
          },
        ],
      }),
    };
    addService(double.state, { name: 'xx', image: `${host()}/xx:v1`, runningDigest: d });
    const [check] = (await inventory(double, { now: NOW, horizonDays: 7 })).checks;
    expect(check).toMatchObject({ status: 'notice', due: new Date(NOW + 20 * DAY).toISOString() });
    const [soon] = (await inventory(double, { now: NOW, horizonDays: 21 })).checks;
    expect(soon).toMatchObject({ status: 'at-risk', reason: 'lifecycle' });
  });

  it('a moved tag is a notice: the next start runs another image', async () => {
    const running = digest('v1-old');
    const current = digest('v1-new');
    double.state.repositories[`${ACCOUNT}/app`] = {
      images: [
        { digest: running, tags: [], pushedAt: NOW - 5 * DAY },
        { digest: current, tags: ['v1'], pushedAt: NOW - DAY },
      ],
    };
    addService(double.state, { name: 'app', image: `${host()}/app:v1`, runningDigest: running });
    const checks = (await inventory(double, { now: NOW })).checks;
    expect(checks.map((c) => c.status)).toEqual(['ok', 'ok', 'notice']);
    expect(checks[2]?.detail).toContain(`tag v1 now points to sha256:${current.slice(7, 19)}`);
  });

  it("another account's repository that denies the reads is not checked, never at risk", async () => {
    addService(double.state, {
      name: 'shared',
      image: `${host(OTHER_ACCOUNT)}/base:1`,
      executionRole: roleArn('exec'),
    });
    double.state.repositories[`${OTHER_ACCOUNT}/base`] = {
      images: [{ digest: digest('b'), tags: ['1'], pushedAt: NOW }],
    };
    double.deniedRegistries.add(OTHER_ACCOUNT);
    const report = await inventory(double, { now: NOW });
    expect(report.checks.map((c) => [c.status, c.detail])).toEqual([
      ['not-checked', 'not checked: DescribeImages was denied (AccessDeniedException)'],
    ]);
    expect(report.atRiskTotal).toBe(0);
    expect(report.notChecked).toBe(1);
  });

  it("another account's repository policy is judged for the task execution role with the IAM evaluator", async () => {
    const d = digest('base');
    const policy = (principal: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: principal },
            Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          },
        ],
      });
    double.state.repositories[`${OTHER_ACCOUNT}/base`] = {
      images: [{ digest: d, tags: ['1'], pushedAt: NOW }],
      repositoryPolicy: policy(roleArn('allowed')),
    };
    addService(double.state, {
      name: 'ok',
      image: `${host(OTHER_ACCOUNT)}/base:1`,
      executionRole: roleArn('allowed'),
    });
    addService(double.state, {
      name: 'refused',
      image: `${host(OTHER_ACCOUNT)}/base:1`,
      executionRole: roleArn('other'),
    });
    const report = await inventory(double, { now: NOW });
    expect(of(report.checks, 'prod/ok').map((c) => c.status)).toEqual(['ok']);
    const [refused] = of(report.checks, 'prod/refused');
    expect(refused).toMatchObject({ status: 'at-risk', reason: 'pull-denied' });
    expect(refused?.fix).toContain(`"Principal":{"AWS":"${roleArn('other')}"}`);
    // The account as principal admits every role of it.
    double.state.repositories[`${OTHER_ACCOUNT}/base`].repositoryPolicy = policy(ACCOUNT);
    expect((await inventory(double, { now: NOW })).atRiskTotal).toBe(0);
  });

  it('a repository policy that conditions on a key the inventory cannot know is not judged', async () => {
    double.state.repositories[`${OTHER_ACCOUNT}/base`] = {
      images: [{ digest: digest('c'), tags: ['1'], pushedAt: NOW }],
      repositoryPolicy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Principal: '*',
            Action: 'ecr:*',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
          },
        ],
      }),
    };
    addService(double.state, {
      name: 'org',
      image: `${host(OTHER_ACCOUNT)}/base:1`,
      executionRole: roleArn('exec'),
    });
    const [check] = (await inventory(double, { now: NOW })).checks;
    expect(check).toMatchObject({ status: 'not-checked' });
    expect(check?.detail).toContain('aws:PrincipalOrgID');
  });

  it('throttling is retried with back-off and the run ends with the same verdicts', async () => {
    const d = digest('t');
    double.state.repositories[`${ACCOUNT}/tt`] = { images: [{ digest: d, tags: ['1'], pushedAt: NOW }] };
    for (let i = 0; i < 3; i++)
      addService(double.state, { name: `t${i}`, image: `${host()}/tt:1`, runningDigest: d });
    const calm = await inventory(double, { now: NOW });
    expect(calm.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok']);
    clearTaskDefinitionCache();
    double.throttleNext('ecs', 2);
    double.throttleNext('ecr', 2);
    const throttled = await inventory(double, { now: NOW });
    expect(throttled.checks).toEqual(calm.checks);
    expect(throttled.retriedResponses).toBeGreaterThanOrEqual(4);
    expect(
      double.calls.filter((c) => c.status === 400 && c.operation !== 'DescribeImages').length,
    ).toBeGreaterThanOrEqual(4);
  });
});

// The scheduled inventory end to end below the handler: discovery and checks through the real SDK clients against
// the ECS/Lambda/ECR wire double, the dedup state through the real DynamoDB store against its double, metrics and
// messages into recording fakes.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryClients } from '../lambda/engine/inventory/clients.ts';
import { clearTaskDefinitionCache } from '../lambda/engine/inventory/discover.ts';
import {
  decideTransitions,
  dynamoDbRiskStateStore,
  inventoryDatapoints,
  inventoryStateKey,
  type RiskNotification,
} from '../lambda/engine/inventory/outputs.ts';
import { readInventoryConfig, runScheduledInventory } from '../lambda/engine/inventory/scheduled.ts';
import { INVENTORY_ENV } from '../lambda/engine/model/inventory-contract.ts';
import type { Notifier } from '../lambda/engine/outputs/ports.ts';
import { type DynamoDbDouble, startDynamoDbDouble } from './support/dynamodb-double.ts';
import { recordingSink } from './support/fake-outputs.ts';
import { type InventoryDouble, startInventoryDouble } from './support/inventory-double.ts';
import {
  ACCOUNT,
  addService,
  DAY,
  digest,
  emptyState,
  host,
  IDENTITY,
  REGION,
} from './support/inventory-fixtures.ts';

const TABLE = 'canary-state';
const START = Date.UTC(2026, 11, 7, 12);
const HALF_HOUR = 30 * 60_000;

let double: InventoryDouble;
let ddb: DynamoDbDouble;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  double = await startInventoryDouble({ identities: [IDENTITY], state: emptyState() });
  ddb = await startDynamoDbDouble({ tables: [TABLE] });
  dynamodb = new DynamoDBClient({ endpoint: ddb.url, region: REGION, credentials: IDENTITY, maxAttempts: 1 });
});
afterAll(async () => {
  dynamodb.destroy();
  await Promise.all([double.close(), ddb.close()]);
});
beforeEach(() => {
  Object.assign(double.state, emptyState());
  ddb.items(TABLE).clear();
  clearTaskDefinitionCache();
});

const config = readInventoryConfig({
  AWS_REGION: REGION,
  [INVENTORY_ENV.canaryName]: 'shop',
  [INVENTORY_ENV.namespace]: 'EcrPullCanary',
  [INVENTORY_ENV.stateTable]: TABLE,
  [INVENTORY_ENV.reminderHours]: '6',
});

function recordingNotifier(): Notifier<RiskNotification> & { published: RiskNotification[] } {
  const published: RiskNotification[] = [];
  return {
    published,
    async publish(message) {
      published.push(message);
    },
  };
}

async function runAt(now: number, notifier: ReturnType<typeof recordingNotifier>, sink = recordingSink()) {
  const clients = createInventoryClients({ region: REGION, endpoint: double.url, credentials: IDENTITY });
  try {
    const summary = await runScheduledInventory(config, clients, {
      metrics: sink,
      notifier,
      store: dynamoDbRiskStateStore(dynamodb, TABLE, inventoryStateKey('shop', REGION), () => now),
      now: () => now,
      write: () => {},
      budgetMs: 60_000,
    });
    return { summary, sink };
  } finally {
    clients.destroy();
  }
}

describe('the scheduled inventory', () => {
  it('an ECS service whose image disappears between two runs: one notification, then one recovery', async () => {
    const d = digest('api-v7');
    double.state.repositories[`${ACCOUNT}/api`] = {
      images: [{ digest: d, tags: ['v7'], pushedAt: START - DAY }],
    };
    addService(double.state, { name: 'api', image: `${host()}/api:v7`, runningDigest: d, tasks: 2 });
    const notifier = recordingNotifier();

    const first = await runAt(START, notifier);
    expect(first.summary.atRisk).toBe(0);
    expect(first.sink.calls[0]?.points).toEqual([
      { name: 'InUseImagesAtRisk', dimensions: {}, value: 0, unit: 'Count' },
    ]);
    expect(notifier.published).toEqual([]);

    // Someone deletes the image: the tag and the digest the tasks run are both gone.
    const deleted = double.state.repositories[`${ACCOUNT}/api`];
    if (deleted) deleted.images = [];
    const second = await runAt(START + HALF_HOUR, notifier);
    expect(second.summary.atRisk).toBe(2);
    expect(second.sink.calls[0]?.points).toEqual([
      { name: 'InUseImagesAtRisk', dimensions: {}, value: 2, unit: 'Count' },
      { name: 'InUseImagesAtRisk', dimensions: { Reason: 'missing' }, value: 2, unit: 'Count' },
    ]);
    // Two references (the tag and the running digest) of the one service.
    expect(
      notifier.published.map((m) => [m.attributes.kind, m.attributes.reason, m.attributes.workload]),
    ).toEqual([
      ['image-at-risk', 'missing', 'prod/api'],
      ['image-at-risk', 'missing', 'prod/api'],
    ]);
    const [message] = notifier.published;
    expect(message?.subject).toBe(`[shop] ${REGION}: image at risk (missing) for prod/api`);
    expect(message?.message).toContain('Reason: missing');
    expect(message?.message).toContain('Fix: push api:v7 again');

    // Still gone half an hour later: no new message within the reminder interval.
    await runAt(START + 2 * HALF_HOUR, notifier);
    expect(notifier.published).toHaveLength(2);

    // Pushed again: one recovery per reference, then silence.
    if (deleted) deleted.images = [{ digest: d, tags: ['v7'], pushedAt: START + 2 * HALF_HOUR }];
    const recovered = await runAt(START + 3 * HALF_HOUR, notifier);
    expect(recovered.summary.atRisk).toBe(0);
    expect(notifier.published.slice(2).map((m) => m.attributes.kind)).toEqual([
      'image-recovered',
      'image-recovered',
    ]);
    await runAt(START + 4 * HALF_HOUR, notifier);
    expect(notifier.published).toHaveLength(4);
  });

  it('names the lifecycle rule, its priority and when, in the notification', async () => {
    const running = digest('old');
    double.state.repositories[`${ACCOUNT}/web`] = {
      images: [
        { digest: running, tags: ['build-1'], pushedAt: START - 20 * DAY },
        { digest: digest('new'), tags: ['build-2'], pushedAt: START - DAY },
      ],
      lifecyclePolicy: JSON.stringify({
        rules: [
          {
            rulePriority: 10,
            description: 'Expire builds after 21 days',
            selection: {
              tagStatus: 'tagged',
              tagPrefixList: ['build-'],
              countType: 'sinceImagePushed',
              countUnit: 'days',
              countNumber: 21,
            },
            action: { type: 'expire' },
          },
        ],
      }),
    };
    addService(double.state, { name: 'web', image: `${host()}/web:build-1`, runningDigest: running });
    const notifier = recordingNotifier();
    await runAt(START, notifier);
    expect(notifier.published).toHaveLength(1);
    const text = notifier.published[0]?.message ?? '';
    expect(text).toContain('Lifecycle rule: priority 10 "Expire builds after 21 days"');
    expect(text).toContain(`When: ${new Date(START + DAY).toISOString()}`);
    expect(notifier.published[0]?.attributes.severity).toBe('warning');
  });

  it('two overlapping runs announce a transition once', async () => {
    addService(double.state, { name: 'gone', image: `${host()}/gone:1` });
    const notifier = recordingNotifier();
    await Promise.all([runAt(START, notifier), runAt(START, notifier)]);
    expect(notifier.published).toHaveLength(1);
  });
});

describe('transitions (pure)', () => {
  const check = (status: 'at-risk' | 'ok' | 'not-checked', reason?: 'missing' | 'archived') =>
    ({
      workload: { kind: 'ecs-service', name: 'prod/a', arn: 'arn:a' },
      container: 'app',
      image: 'x',
      checked: 'repo:1',
      registryId: ACCOUNT,
      region: REGION,
      repository: 'repo',
      status,
      detail: 'd',
      ...(reason ? { reason } : {}),
    }) as const;

  it('a not-checked reference keeps its state: neither a recovery nor a new risk', () => {
    const first = decideTransitions(null, [check('at-risk', 'missing')], START, 6 * 3_600_000);
    const second = decideTransitions(first.next, [check('not-checked')], START + HALF_HOUR, 6 * 3_600_000);
    expect(second.transitions).toEqual([]);
    expect(second.next).toBeNull();
  });

  it('a change of reason is announced; a risk that persists is reminded after the interval', () => {
    const first = decideTransitions(null, [check('at-risk', 'missing')], START, 6 * 3_600_000);
    const changed = decideTransitions(
      first.next,
      [check('at-risk', 'archived')],
      START + HALF_HOUR,
      6 * 3_600_000,
    );
    expect(changed.transitions.map((t) => t.kind)).toEqual(['reason-changed']);
    const later = decideTransitions(
      changed.next,
      [check('at-risk', 'archived')],
      START + 7 * 3_600_000,
      6 * 3_600_000,
    );
    expect(later.transitions.map((t) => t.kind)).toEqual(['reminder']);
  });

  it('the steady metric is always sent; a reason only while non-zero', () => {
    expect(
      inventoryDatapoints({
        atRiskTotal: 0,
        atRisk: { missing: 0, archived: 0, lifecycle: 0, 'pull-denied': 0 },
      }),
    ).toEqual([{ name: 'InUseImagesAtRisk', dimensions: {}, value: 0, unit: 'Count' }]);
  });

  it('refuses a bad environment, naming the variable and what is allowed', () => {
    expect(() => readInventoryConfig({ AWS_REGION: REGION, [INVENTORY_ENV.horizonDays]: '0' })).toThrow(
      'INVENTORY_HORIZON_DAYS=0: allowed: a number from 1 to 365',
    );
  });
});

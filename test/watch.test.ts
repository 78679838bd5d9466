// The workload watcher's pure parts and its run logic, in process: event → workload and classification,
// the message, the dedup key and decision, and one event through the narrow output ports with fakes.
// The deployed bundle on the wire doubles is tested in watch-handler.test.ts.
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { CODE_DATA } from '../lambda/engine/model/code-data.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../lambda/engine/model/seed-contract.ts';
import { WATCH_METRIC, WATCH_STATE_PREFIX } from '../lambda/engine/model/watch-contract.ts';
import { canaryStateKey } from '../lambda/engine/outputs/notify.ts';
import type { Notifier } from '../lambda/engine/outputs/ports.ts';
import { readWatchConfig } from '../lambda/engine/watch/watch-config.ts';
import {
  formatWatchNotification,
  verdictConclusion,
  type WatchNotification,
} from '../lambda/engine/watch/watch-message.ts';
import {
  decideWatchNotification,
  handleWorkloadEvent,
  readCanaryVerdict,
  type WatchConfig,
  watchDatapoints,
  watchStateKey,
} from '../lambda/engine/watch/watch-run.ts';
import {
  MAX_FIELD_CHARS,
  parseWorkloadEvent,
  type WorkloadFailure,
} from '../lambda/engine/watch/workload-event.ts';
import { type MemoryStore, memoryStore, type RecordingSink, recordingSink } from './support/fake-outputs.ts';

interface Fixture {
  note: string;
  corpusEntry?: number;
  expect: string | null;
  event: Record<string, unknown> & { detail: Record<string, unknown> };
}
const FIXTURES = JSON.parse(readFileSync(new URL('./fixtures/workload-events.json', import.meta.url), 'utf8'))
  .events as Record<string, Fixture>;
const CORPUS = JSON.parse(readFileSync(new URL('./fixtures/pull-error-corpus.json', import.meta.url), 'utf8'))
  .entries as Array<{ message: string; category: string }>;

function fixture(name: string): Fixture {
  const found = FIXTURES[name];
  if (!found) throw new Error(`no fixture ${name}`);
  return structuredClone(found);
}

function failureOf(event: unknown): WorkloadFailure {
  const parsed = parseWorkloadEvent(event);
  if (!('failure' in parsed)) throw new Error(`ignored: ${parsed.ignored}`);
  return parsed.failure;
}

const CONFIG: WatchConfig = {
  canaryName: 'test-canary',
  region: 'eu-west-1',
  namespace: 'EcrPullCanary',
  topicArn: 'arn:aws:sns:eu-west-1:111122223333:ecr-pull-canary',
  stateTable: 'state',
  canaryTargets: [KNOWN_GOOD_TARGET_NAME],
  dedupHours: 6,
  dashboardUrl: null,
  logsUrl: null,
};

describe('the event fixtures', () => {
  it('carry reasons taken verbatim from the corpus, with the corpus category', () => {
    for (const [name, f] of Object.entries(FIXTURES)) {
      if (f.corpusEntry === undefined) continue;
      const entry = CORPUS[f.corpusEntry];
      expect(entry, name).toBeDefined();
      const texts = JSON.stringify(f.event.detail);
      // The corpus message (or, for CloudTrail, its IAM sentence) is inside the event.
      const probe = (entry?.message ?? '').split('User: ')[0]?.slice(0, 60) ?? '';
      expect(texts.includes(JSON.stringify(probe).slice(1, -1)) || f.event.source === 'aws.ecr', name).toBe(
        true,
      );
      expect(f.expect, name).toBe(entry?.category);
    }
  });
});

describe('parseWorkloadEvent', () => {
  it.each(Object.entries(FIXTURES).filter(([, f]) => f.expect !== null))(
    '%s: classifies the reason into its corpus category',
    (_name, f) => {
      expect(failureOf(f.event).classification.category).toBe(f.expect);
    },
  );

  it('names the cluster, service, task definition, image and the refused execution role of an ECS task', () => {
    const failure = failureOf(fixture('ecs-pull-denied-ec2-container-reason').event);
    expect(failure.source).toBe('ecs-task');
    expect(failure.workload).toBe('ecs:prod/family:nightly-report');
    expect(Object.fromEntries(failure.who)).toMatchObject({
      Cluster: 'prod',
      'Task family': 'nightly-report',
      'Task definition': 'arn:aws:ecs:eu-west-1:111122223333:task-definition/nightly-report:7',
      Image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/my_image:latest',
      'Execution role': 'arn:aws:sts::123123123123:assumed-role/MyBrokenRole/xyz',
    });
    const service = failureOf(fixture('ecs-pull-denied-fargate').event);
    expect(service.workload).toBe('ecs:prod/service:payments-api');
    expect(Object.fromEntries(service.who)).toMatchObject({
      Service: 'payments-api',
      'Stop code': 'TaskFailedToStart',
    });
  });

  it('names the principal and the action of a CloudTrail ECR call', () => {
    const failure = failureOf(fixture('cloudtrail-batchgetimage-denied').event);
    expect(failure.workload).toBe(
      'iam:arn:aws:sts::111122223333:assumed-role/ci-deploy/build-4711/ecr:BatchGetImage',
    );
    expect(Object.fromEntries(failure.who)).toMatchObject({
      Principal: 'arn:aws:sts::111122223333:assumed-role/ci-deploy/build-4711',
      Action: 'ecr:BatchGetImage',
      'Error code': 'AccessDenied',
      Repository: 'test_image',
    });
    expect(failure.classification.fields.action).toBe('ecr:BatchGetImage');
  });

  it.each([
    ['a string', 'hello', /^event: got "hello"/],
    ['null', null, /^event: got null/],
    ['an array', [1, 2], /^event: got an array of 2/],
    [
      'no detail',
      { source: 'aws.ecs', 'detail-type': 'ECS Task State Change' },
      /^detail: got nothing \(missing\)/,
    ],
    [
      'another source',
      { source: 'aws.ec2', 'detail-type': 'x', detail: {} },
      /^source\/detail-type: got "aws.ec2"\/"x"/,
    ],
  ])('ignores an event of an unexpected shape (%s), naming the field', (_what, event, reason) => {
    const parsed = parseWorkloadEvent(event);
    expect('ignored' in parsed && parsed.ignored).toMatch(reason);
  });

  it.each([
    ['clusterArn', /^detail\.clusterArn: got nothing \(missing\); allowed: a cluster ARN$/],
    ['taskDefinitionArn', /^detail\.taskDefinitionArn: got nothing/],
    ['lastStatus', /^detail\.lastStatus: got nothing/],
  ])('ignores an ECS event without %s', (field, reason) => {
    const f = fixture('ecs-pull-denied-fargate');
    delete f.event.detail[field];
    const parsed = parseWorkloadEvent(f.event);
    expect('ignored' in parsed && parsed.ignored).toMatch(reason);
  });

  it('ignores ordinary stops and a running task (defence in depth behind the rule)', () => {
    for (const name of [
      'ecs-essential-container-exited',
      'ecs-scale-in',
      'ecs-user-stopped',
      'ecs-running',
    ]) {
      expect('ignored' in parseWorkloadEvent(fixture(name).event), name).toBe(true);
    }
    const ok = parseWorkloadEvent(fixture('cloudtrail-batchgetimage-ok').event);
    expect('ignored' in ok && ok.ignored).toMatch(/^detail\.errorCode: got nothing/);
  });

  it('classifies a huge stoppedReason quickly and keeps every field short', () => {
    const f = fixture('ecs-pull-denied-fargate');
    const huge = `CannotPullContainerError: ${'x'.repeat(1024 * 1024)} 403 Forbidden`;
    f.event.detail.stoppedReason = huge;
    (f.event.detail.containers as Array<Record<string, unknown>>)[0] = {
      name: 'api',
      image: 'y'.repeat(100_000),
      reason: huge,
    };
    const started = performance.now();
    const failure = failureOf(f.event);
    expect(performance.now() - started).toBeLessThan(2000);
    for (const [label, value] of failure.who)
      expect(value.length, label).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(failure.classification.text.length).toBeLessThan(5000);
    const message = formatWatchNotification(failure, { status: 'ok', targets: ['known-good'] }, CONFIG);
    expect(message.message.length).toBeLessThan(12_000);
  });

  it('keeps a message in no known format as unknown, with its text', () => {
    const f = fixture('ecs-pull-denied-fargate');
    f.event.detail.stoppedReason = 'CannotPullContainerError: the flux capacitor is out of phase';
    (f.event.detail.containers as unknown[]).length = 0;
    const failure = failureOf(f.event);
    expect(failure.classification.category).toBe('unknown');
    expect(failure.classification.text).toBe('CannotPullContainerError: the flux capacitor is out of phase');
  });
});

describe('the notification', () => {
  const failure = () => failureOf(fixture('ecs-pull-denied-ec2-container-reason').event);

  it('concludes from the canary verdict whose problem it is', () => {
    expect(verdictConclusion({ status: 'ok', targets: ['known-good'] })).toBe(
      "The canary pulls fine here, so this is the workload's own identity or network.",
    );
    expect(
      verdictConclusion({
        status: 'failing',
        failing: [{ target: 'known-good', category: 'auth', since: '2026-11-27T10:00:00.000Z' }],
      }),
    ).toBe('The canary fails too (known-good: auth since 2026-11-27T10:00:00.000Z): ECR or the account.');
    expect(verdictConclusion({ status: 'unknown', reason: 'AccessDenied: no' })).toMatch(
      /could not be read \(AccessDenied: no\)/,
    );
  });

  it('says who failed, the category, the fix and the verdict, with attributes like the canary diagnoses', () => {
    const n = formatWatchNotification(failure(), { status: 'ok', targets: ['known-good'] }, CONFIG);
    expect(n.subject).toBe('ECR workload pull failure permission: eu-west-1 nightly-report');
    expect(n.message).toContain(
      "The canary pulls fine here, so this is the workload's own identity or network.",
    );
    expect(n.message).toContain('Cluster:         prod');
    expect(n.message).toContain('Execution role:  arn:aws:sts::123123123123:assumed-role/MyBrokenRole/xyz');
    expect(n.message).toContain('Fix: Grant ecr:GetAuthorizationToken');
    expect(n.attributes).toEqual({
      category: 'permission',
      severity: 'critical',
      region: 'eu-west-1',
      workload: 'ecs:prod/family:nightly-report',
      kind: 'workload-failure',
    });
  });

  it("keeps the subject under SNS's 100 characters, in ASCII", () => {
    const f = fixture('ecs-pull-denied-fargate');
    f.event.detail.group = `service:${'ü'.repeat(300)}`;
    const n = formatWatchNotification(failureOf(f.event), { status: 'ok', targets: [] }, CONFIG);
    expect(n.subject.length).toBeLessThan(100);
    expect(n.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('dedup', () => {
  it('keys on canary, region, workload and category, in its own namespace', () => {
    const key = watchStateKey('c', 'eu-west-1', 'ecs:prod/service:api', 'auth');
    expect(key).toBe(`${WATCH_STATE_PREFIX}c#eu-west-1#ecs:prod/service:api#auth`);
    expect(key).not.toBe(canaryStateKey('c', 'eu-west-1', 'ecs:prod/service:api#auth'));
    expect(watchStateKey('c', 'eu-west-1', 'w', 'auth')).not.toBe(
      watchStateKey('c', 'eu-west-1', 'w', 'throttle'),
    );
  });

  it('announces the first failure, not a repeat within the window, and again after it', () => {
    const hour = 3_600_000;
    const first = decideWatchNotification(null, 'auth', 0, 6 * hour);
    expect(first).toMatchObject({ status: 'failing', category: 'auth', version: 1 });
    expect(decideWatchNotification(first, 'auth', 5 * hour, 6 * hour)).toBeNull();
    expect(decideWatchNotification(first, 'auth', 6 * hour, 6 * hour)).toMatchObject({ version: 2 });
  });
});

describe('the canary verdict', () => {
  it('is ok without items, failing with a failing item, unknown when the table cannot be read', async () => {
    const store = memoryStore();
    expect(await readCanaryVerdict(store, CONFIG)).toEqual({
      status: 'ok',
      targets: [KNOWN_GOOD_TARGET_NAME],
    });
    store.items.set(canaryStateKey('test-canary', 'eu-west-1', KNOWN_GOOD_TARGET_NAME), {
      status: 'failing',
      category: 'auth',
      since: '2026-11-27T10:00:00.000Z',
      lastNotifiedAt: null,
      version: 1,
    });
    expect(await readCanaryVerdict(store, CONFIG)).toMatchObject({
      status: 'failing',
      failing: [{ category: 'auth' }],
    });
    // Another canary's item in the same table is not this canary's verdict.
    expect(await readCanaryVerdict(store, { ...CONFIG, canaryName: 'other' })).toMatchObject({
      status: 'ok',
    });
    store.readBehaviour = new Error('boom');
    expect(await readCanaryVerdict(store, CONFIG)).toMatchObject({ status: 'unknown' });
  });
});

describe('handleWorkloadEvent', () => {
  let sink: RecordingSink;
  let store: MemoryStore;
  let published: WatchNotification[];
  let notifierBehaviour: 'ok' | Error;
  let lines: string[];
  const notifier: Notifier<WatchNotification> = {
    async publish(notification) {
      if (notifierBehaviour !== 'ok') throw notifierBehaviour;
      published.push(notification);
    },
  };
  const run = (event: unknown) =>
    handleWorkloadEvent(event, CONFIG, {
      metrics: sink,
      notifier,
      store,
      now: Date.now,
      write: (l) => lines.push(l),
    });

  beforeEach(() => {
    sink = recordingSink();
    store = memoryStore();
    published = [];
    notifierBehaviour = 'ok';
    lines = [];
  });

  it('counts the failure by category and in total, and notifies once per workload and category', async () => {
    const event = fixture('ecs-pull-denied-fargate').event;
    const summary = await run(event);
    expect(summary).toMatchObject({ handled: true, category: 'permission', notified: true, verdict: 'ok' });
    expect(sink.calls.map((c) => c.points)).toEqual([watchDatapoints('permission')]);
    expect(watchDatapoints('permission').map((p) => `${p.name}${JSON.stringify(p.dimensions)}`)).toEqual([
      `${WATCH_METRIC.pullFailures}{"Category":"permission"}`,
      `${WATCH_METRIC.pullFailures}{}`,
      `${WATCH_METRIC.authFailures}{}`,
    ]);
    expect(watchDatapoints('throttle').map((p) => p.name)).not.toContain(WATCH_METRIC.authFailures);
    expect(published).toHaveLength(1);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['workload-pull-failure']);

    const again = await run(event);
    expect(again).toMatchObject({ handled: true, notified: false, duplicate: true });
    expect(sink.calls).toHaveLength(2);
    expect(published).toHaveLength(1);
  });

  it('logs one line for a malformed event and sends nothing', async () => {
    for (const event of [
      undefined,
      'x',
      { source: 'aws.ecs', 'detail-type': 'ECS Task State Change', detail: [] },
    ]) {
      lines = [];
      const summary = await run(event);
      expect(summary).toMatchObject({ handled: false, metricsVia: 'none', notified: false });
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string)).toMatchObject({ level: 'WARN', type: 'event-ignored' });
    }
    expect(sink.calls).toHaveLength(0);
    expect(published).toHaveLength(0);
  });

  it('still notifies when the dedup table cannot be read, and never throws for a broken SNS', async () => {
    store.readBehaviour = new Error('ProvisionedThroughputExceededException');
    const summary = await run(fixture('ecs-pull-timeout').event);
    expect(summary).toMatchObject({ notified: true, verdict: 'unknown' });
    store.readBehaviour = 'ok';
    notifierBehaviour = Object.assign(new Error('denied'), { name: 'AuthorizationErrorException' });
    const broken = await run(fixture('cloudtrail-getauthorizationtoken-throttled').event);
    expect(broken).toMatchObject({ handled: true, category: 'throttle', notified: false });
    const record = JSON.parse(lines.at(-1) as string);
    expect(record.problems).toEqual(['notification-failed: AuthorizationErrorException: denied']);
  });
});

describe('readWatchConfig', () => {
  it('names the variable, the value and what is allowed', () => {
    expect(() =>
      readWatchConfig({ AWS_REGION: 'eu-west-1', WATCH_DEDUP_HOURS: '0' }, { canaryTargets: { a: 1 } }),
    ).toThrow(
      `invalid watcher configuration: ${CODE_DATA.file} canaryTargets={"a":1}: allowed: a list of target names; WATCH_DEDUP_HOURS="0": allowed: a number from 0.25 to 168`,
    );
  });
});

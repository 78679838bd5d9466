import { describe, expect, it } from 'vitest';
import { RUNBOOKS } from '../lambda/engine/model/runbooks.ts';
import { CATEGORIES } from '../lambda/engine/model/types.ts';
import {
  consoleUrls,
  formatNotification,
  type NotificationContext,
  severityOf,
} from '../lambda/engine/outputs/notification.ts';
import { failedResult, healthyResult, STARTED_AT } from './support/probe-results.ts';

const DASHBOARD =
  'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/x';
const LOGS = 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/x';
const SINCE = '2026-11-27T09:55:00.000Z';

const context = (overrides: Partial<NotificationContext> = {}): NotificationContext => ({
  canaryName: 'prod-canary',
  region: 'eu-west-1',
  dashboardUrl: DASHBOARD,
  logsUrl: LOGS,
  since: SINCE,
  recoveredCategory: null,
  ...overrides,
});

describe('formatNotification', () => {
  it('a failure says what broke, whose credentials, what to do and where to look', () => {
    const result = failedResult('auth', {
      errorCode: 'DENIED',
      message: 'registry answered 403: Your authorization token has expired.',
    });
    const { auth } = RUNBOOKS;
    const notification = formatNotification('failure', result, context());

    expect(notification.subject).toBe('ECR pull canary FAILING auth: eu-west-1 known-good');
    expect(notification.message).toBe(
      [
        `ECR pull canary "prod-canary" in eu-west-1: known-good cannot pull: ${auth.title} (auth).`,
        '',
        `What the canary saw: ${auth.saw}`,
        '',
        'Image:     canary/known-good:v1',
        'Phase:     manifest',
        'Error:     DENIED: registry answered 403: Your authorization token has expired.',
        'Identity:  arn:aws:iam::111122223333:user/canary (the credentials that were used)',
        'Registry:  https://111122223333.dkr.ecr.eu-west-1.amazonaws.com',
        `Since:     ${SINCE}`,
        '',
        `Fix: ${auth.fix}`,
        '',
        'Likely causes, most likely first:',
        ...auth.causes.map((cause) => `  - ${cause}`),
        '',
        'Checks (from the same network and identity as the failing workload):',
        ...auth.checks.map((check) => `  $ ${check}`),
        '',
        `Dashboard: ${DASHBOARD}`,
        `Logs:      ${LOGS}`,
        '',
      ].join('\n'),
    );
    expect(notification.attributes).toEqual({
      category: 'auth',
      severity: 'critical',
      region: 'eu-west-1',
      target: 'known-good',
      kind: 'failure',
    });
  });

  it('a failure without known identity, registry or streak start says so', () => {
    const result = failedResult('network', { identity: null, registryUrl: null });
    const { message } = formatNotification(
      'failure',
      result,
      context({ since: null, dashboardUrl: null, logsUrl: null }),
    );
    expect(message).toContain('Identity:  unknown (the credentials that were used)\n');
    expect(message).toContain('Registry:  -\n');
    expect(message).toContain(`Since:     ${STARTED_AT}\n`);
    expect(message).not.toContain('Dashboard:');
    expect(message).not.toContain('Logs:');
    expect(message.endsWith('\n') && !message.endsWith('\n\n')).toBe(true);
  });

  it('a reminder and a category change say so in subject and headline', () => {
    const reminder = formatNotification('reminder', failedResult('throttle'), context());
    expect(reminder.subject).toBe('ECR pull canary STILL FAILING throttle: eu-west-1 known-good');
    expect(reminder.message.split('\n')[0]).toBe(
      `ECR pull canary "prod-canary" in eu-west-1: known-good still cannot pull: ${RUNBOOKS.throttle.title} (throttle).`,
    );
    expect(reminder.attributes.kind).toBe('reminder');

    const changed = formatNotification('category-changed', failedResult('service'), context());
    expect(changed.subject).toBe('ECR pull canary FAILING service: eu-west-1 known-good');
    expect(changed.message.split('\n')[0]).toContain('known-good is now failing differently:');
    expect(changed.attributes.kind).toBe('category-changed');
  });

  it('a recovery names the category that cleared and is info, not a page', () => {
    const notification = formatNotification(
      'recovery',
      healthyResult({ latencyMs: 48.9 }),
      context({ recoveredCategory: 'permission' }),
    );
    expect(notification.subject).toBe('ECR pull canary RECOVERED permission: eu-west-1 known-good');
    expect(notification.message).toBe(
      [
        `ECR pull canary "prod-canary" in eu-west-1: known-good pulls again (was failing with permission since ${SINCE}).`,
        '',
        'Image:     canary/known-good:v1',
        `Digest:    sha256:${'ab'.repeat(32)}`,
        'Identity:  arn:aws:iam::111122223333:user/canary',
        'Latency:   48.9 ms',
        '',
        `Dashboard: ${DASHBOARD}`,
        `Logs:      ${LOGS}`,
        '',
      ].join('\n'),
    );
    expect(notification.attributes).toMatchObject({
      category: 'permission',
      severity: 'info',
      kind: 'recovery',
    });
  });

  it('keeps subjects as SNS accepts them: printable ASCII, no line breaks, under 100 characters', () => {
    const target = `t\u00e9st\nname-${'x'.repeat(120)}`;
    const { subject } = formatNotification('failure', failedResult('auth', { target }), context());
    expect(subject).toHaveLength(99);
    expect(subject).toMatch(/^ECR pull canary FAILING auth: eu-west-1 t st name-x+\.\.\.$/);
  });

  it.each(CATEGORIES)('%s has the severity of its category', (category) => {
    const { attributes } = formatNotification('failure', failedResult(category), context());
    expect(attributes.severity).toBe(category === 'clock-skew' ? 'warning' : 'critical');
    expect(severityOf(category)).toBe(attributes.severity);
  });
});

describe('consoleUrls', () => {
  it('links the dashboard and the log group, the group name double-encoded as the console expects', () => {
    expect(consoleUrls('us-east-1', 'my canary', '/aws/lambda/probe')).toEqual({
      dashboardUrl:
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/my%20canary',
      logsUrl:
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252Fprobe',
    });
  });

  it('gives no links without names', () => {
    expect(consoleUrls('us-east-1', undefined, undefined)).toEqual({ dashboardUrl: null, logsUrl: null });
  });
});

import { readFileSync } from 'node:fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { CanaryStack } from '../../lib/canary-stack.ts';
import { DashboardStack } from '../../lib/dashboard-stack.ts';
import { EcrPullCanary } from '../../lib/ecr-pull-canary.ts';
import { ImageInventory } from '../../lib/image-inventory.ts';
import { FILE_KEY_PROPS } from '../../lib/props.ts';
import { WorkloadWatch } from '../../lib/workload-watch.ts';

/**
 * Issue 27, item 2: the constructs refuse props they do not know, as the configuration file refuses unknown keys,
 * with the same "did you mean": a JavaScript caller or a spread object gets a message, not a setting that never
 * applied. A configuration file key given as a prop points at the prop's name (scheduleMinutes → schedule).
 */
function stack(): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Platform', { env: { account: '111122223333', region: 'eu-west-1' } });
}

function refusal(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    return (error as Error).message.split('\n').map((line) => line.trim());
  }
  throw new Error('the construct accepted the props');
}

describe('EcrPullCanary', () => {
  it('refuses the configuration file names of its props, naming the prop (scheduleMinutes, memoryMiB, vpc, name)', () => {
    const lines = refusal(
      () =>
        new EcrPullCanary(stack(), 'Canary', {
          scheduleMinutes: 0,
          memoryMiB: 64,
          vpc: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
          name: 'api',
        } as never),
    );
    expect(lines[0]).toBe('Invalid EcrPullCanary properties:');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^scheduleMinutes: got 0; unknown prop \(did you mean "schedule"\?\); allowed props: canaryName, /,
        ),
        expect.stringMatching(/^memoryMiB: got 64; unknown prop \(did you mean "memorySize"\?\);/),
        expect.stringMatching(/^vpc: got \{"subnetIds":.*; unknown prop \(did you mean "vpcPlacement"\?\);/),
        expect.stringMatching(/^name: got "api"; unknown prop \(did you mean "canaryName"\?\);/),
      ]),
    );
    expect(lines).toHaveLength(5);
    expect(Object.keys(FILE_KEY_PROPS).sort()).toEqual([
      'logRetentionDays',
      'memoryMiB',
      'name',
      'scheduleMinutes',
      'vpc',
    ]);
  });

  it('suggests as the file does for a typo, and names what a misplaced construct is without crashing on it', () => {
    const where = stack();
    const lines = refusal(
      () => new EcrPullCanary(where, 'Canary', { canaryNmae: 'api', role: undefined, topic: where } as never),
    );
    const file = validateConfig({ regions: ['eu-west-1'], nmae: 'api' } as never).problems;
    // The same closest-name rule: the file's "nmae" suggests "name", the construct's "canaryNmae" "canaryName".
    expect(file).toEqual([expect.stringMatching(/^nmae: got "api"; unknown key \(did you mean "name"\?\)/)]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^canaryNmae: got "api"; unknown prop \(did you mean "canaryName"\?\);/),
        expect.stringMatching(/^topic: got the construct "Platform"; unknown prop; allowed props: /),
      ]),
    );
  });

  it('still takes every prop it declares', () => {
    const canary = new EcrPullCanary(stack(), 'Canary', {
      canaryName: 'api',
      role: undefined,
      timeout: undefined,
    });
    expect(canary.canaryName).toBe('api');
  });
});

describe('Duration props given as numbers (JavaScript)', () => {
  it('names schedule and timeout with what they take, instead of crashing in toSeconds, and checks the rest', () => {
    const lines = refusal(
      () => new EcrPullCanary(stack(), 'Canary', { schedule: 5, timeout: '30s', memoryMiB: 64 } as never),
    );
    expect(lines).toEqual([
      'Invalid EcrPullCanary properties:',
      expect.stringMatching(/^memoryMiB: got 64; unknown prop \(did you mean "memorySize"\?\)/),
      "schedule: got 5; allowed: a Duration, such as Duration.minutes(5) (the configuration file's scheduleMinutes is the one that takes a number)",
      'timeout: got "30s"; allowed: a Duration, such as Duration.minutes(5)',
    ]);
  });

  it('does the same for the inventory, with every problem in one error', () => {
    const where = stack();
    const canary = new EcrPullCanary(where, 'Canary', { canaryName: 'api' });
    const lines = refusal(
      () =>
        new ImageInventory(where, 'Inventory', {
          canary,
          schedule: 30,
          horizonDay: 3,
          horizonDays: 0,
        } as never),
    );
    expect(lines).toEqual([
      'Invalid ImageInventory properties:',
      'horizonDay: got 3; unknown prop (did you mean "horizonDays"?); allowed props: canary, schedule, horizonDays, reminderHours, logRetention',
      "schedule: got 30; allowed: a Duration, such as Duration.minutes(5) (the configuration file's imageInventory.scheduleMinutes is the one that takes a number)",
      expect.stringMatching(/^horizonDays: got 0; allowed: a whole number from 1 to /),
    ]);
    // A Duration out of range is still named by its prop.
    expect(
      refusal(() => new ImageInventory(where, 'Inventory2', { canary, schedule: Duration.seconds(90) })),
    ).toEqual([
      'Invalid ImageInventory properties:',
      expect.stringMatching(/^schedule: got "1.5 minutes"; allowed: whole minutes from /),
    ]);
  });
});

describe('stacks: their own props and the CDK StackProps', () => {
  it('refuses a typo of a DashboardStack prop, and warns at synth of a prop it does not know at all', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const regional = new Stack(app, 'Regional', { env: { account: '111122223333', region: 'eu-west-1' } });
    const canary = new EcrPullCanary(regional, 'Canary', { canaryName: 'api' });
    const lines = refusal(
      () =>
        new DashboardStack(app, 'Dashboard', {
          dashboardName: 'd',
          canaries: [canary],
          workloadWatch: [],
          terminationProtecton: true,
        } as never),
    );
    expect(lines).toEqual([
      'Invalid DashboardStack properties:',
      expect.stringMatching(/^workloadWatch: got \[\]; unknown prop \(did you mean "workloadWatches"\?\)/),
      expect.stringMatching(
        /^terminationProtecton: got true; unknown prop \(did you mean "terminationProtection"\?\)/,
      ),
    ]);
    // A name close to nothing known may be a StackProps prop of a newer aws-cdk-lib (a ^ peer dependency): the
    // stack is made, and synth prints a warning naming it.
    const dashboard = new DashboardStack(app, 'Dashboard2', {
      dashboardName: 'd',
      canaries: [canary],
      costCentreAllocation: 'x',
    } as never);
    Annotations.fromStack(dashboard).hasWarning(
      '/Dashboard2',
      Match.stringLikeRegexp('DashboardStack: prop "costCentreAllocation" is neither one of its own'),
    );
    // Every StackProps prop is taken without a word.
    const quiet = new DashboardStack(app, 'Dashboard3', {
      dashboardName: 'd',
      canaries: [canary],
      description: 'x',
      terminationProtection: true,
      analyticsReporting: false,
    });
    expect(Annotations.fromStack(quiet).findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('refuses a typo of a CanaryStack prop', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const lines = refusal(
      () =>
        new CanaryStack(app, 'Canary', {
          env: { account: '111122223333', region: 'eu-west-1' },
          canary: { canaryName: 'api' },
          imageInventories: {},
        } as never),
    );
    expect(lines).toEqual([
      'Invalid CanaryStack properties:',
      expect.stringMatching(/^imageInventories: got \{\}; unknown prop \(did you mean "imageInventory"\?\)/),
    ]);
  });
});

describe('WorkloadWatch', () => {
  it('refuses a prop it does not know, with the closest one it has', () => {
    const where = stack();
    const canary = new EcrPullCanary(where, 'Canary', { canaryName: 'api' });
    const lines = refusal(() => new WorkloadWatch(where, 'Watch', { canary, ecsTask: false } as never));
    expect(lines).toEqual([
      'Invalid WorkloadWatch properties:',
      'ecsTask: got false; unknown prop (did you mean "ecsTasks"?); allowed props: canary, ecsTasks, ecrApiCalls, dedupHours, eks, logRetention, dashboardName',
    ]);
  });
});

describe('docs/construct.md', () => {
  it('says the construct refuses a prop it does not know', () => {
    const page = readFileSync(new URL('../../docs/construct.md', import.meta.url), 'utf8').replace(
      /\s+/g,
      ' ',
    );
    expect(page).toContain('A prop the construct does not know is refused');
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import { configurationHash, STACK_OUTPUTS } from '../../lambda/engine/model/deployment.ts';
import { synthApp } from './helpers.ts';

/**
 * Issue 24: each canary stack carries what `ecr-pull-canary status` and `drill` read with one DescribeStacks: the
 * generated names of its schedule, topic and watch rules, and the hash of the configuration it was built from.
 */

const FILE = {
  name: 'hash-canary',
  regions: ['eu-west-1', 'us-east-1'],
  targets: [{ name: 'api', image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/api:stable' }],
  workloadWatch: { ecrApiCalls: true },
};

function outputs(file: typeof FILE & Record<string, unknown>): Array<Record<string, { Value: unknown }>> {
  return synthApp(file).canaries.map(
    (stack) => Template.fromStack(stack).toJSON().Outputs as Record<string, { Value: unknown }>,
  );
}

describe('the canary stack outputs', () => {
  it('names the schedule, the topic and both watch rules by reference, and carries the configuration hash', () => {
    const [eu, us] = outputs(FILE);
    const { config } = validateConfig(FILE);
    if (!config) throw new Error('invalid test configuration');
    expect(eu?.[STACK_OUTPUTS.configurationHash]?.Value).toBe(configurationHash(config, 'eu-west-1'));
    expect(us?.[STACK_OUTPUTS.configurationHash]?.Value).toBe(configurationHash(config, 'us-east-1'));
    expect(eu?.[STACK_OUTPUTS.configurationHash]?.Value).not.toBe(
      us?.[STACK_OUTPUTS.configurationHash]?.Value,
    );
    for (const key of [
      STACK_OUTPUTS.scheduleName,
      STACK_OUTPUTS.topicArn,
      STACK_OUTPUTS.ecsRuleName,
      STACK_OUTPUTS.ecrApiRuleName,
    ]) {
      expect(eu?.[key]?.Value, key).toMatchObject({ Ref: expect.any(String) });
    }
  });

  it("changes a region's hash with its own settings only", () => {
    const { config } = validateConfig(FILE);
    const { config: otherUs } = validateConfig({
      ...FILE,
      regionOverrides: {
        'us-east-1': { targets: [{ image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/team/api:v2' }] },
      },
    });
    const { config: slower } = validateConfig({ ...FILE, scheduleMinutes: 10 });
    if (!config || !otherUs || !slower) throw new Error('invalid test configuration');
    expect(configurationHash(otherUs, 'eu-west-1')).toBe(configurationHash(config, 'eu-west-1'));
    expect(configurationHash(otherUs, 'us-east-1')).not.toBe(configurationHash(config, 'us-east-1'));
    expect(configurationHash(slower, 'eu-west-1')).not.toBe(configurationHash(config, 'eu-west-1'));
    // The same configuration written with its keys in another order is the same configuration.
    const { config: reordered } = validateConfig(Object.fromEntries(Object.entries(FILE).reverse()));
    if (!reordered) throw new Error('invalid test configuration');
    expect(configurationHash(reordered, 'eu-west-1')).toBe(configurationHash(config, 'eu-west-1'));
  });
});

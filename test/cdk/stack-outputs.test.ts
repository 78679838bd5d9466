import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../lambda/commands/package-info.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';
import {
  assetStackName,
  canaryStackName,
  configurationHash,
  dashboardStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  STACK_OUTPUTS,
  STACK_TAG,
  writtenConfigurationHash,
} from '../../lambda/engine/model/deployment.ts';
import { SERVICE_LIMITS } from '../../lambda/engine/model/limits.ts';
import { buildOrganizationApp } from '../../lib/organization/organization-app.ts';
import { TOOL_VERSION } from '../../lib/tool-version.ts';
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

  it('carries the configuration as written and the version that synthesized it, within the Outputs quota', () => {
    const [eu, us] = outputs(FILE);
    expect(eu?.[STACK_OUTPUTS.writtenConfigurationHash]?.Value).toBe(
      writtenConfigurationHash(FILE, 'eu-west-1'),
    );
    expect(us?.[STACK_OUTPUTS.writtenConfigurationHash]?.Value).toBe(
      writtenConfigurationHash(FILE, 'us-east-1'),
    );
    // The library reads the version through the package's name, the command through its inlined package.json.
    expect(TOOL_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(eu?.[STACK_OUTPUTS.toolVersion]?.Value).toBe(TOOL_VERSION);
    expect(TOOL_VERSION).toBe(VERSION);
    for (const stack of [eu, us]) {
      expect(Object.keys(stack ?? {}).length).toBeLessThanOrEqual(SERVICE_LIMITS.cfnOutputs.value);
    }
  });

  it('hashes the configuration as written: other regions, key order and $schema aside; defaults not applied', () => {
    const base = writtenConfigurationHash(FILE, 'eu-west-1');
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    const same = [
      { ...FILE, regions: ['eu-west-1'] },
      { ...FILE, regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] },
      Object.fromEntries(Object.entries(FILE).reverse()),
      { ...FILE, $schema: './schema/canary.config.schema.json' },
      { ...FILE, regionOverrides: { 'us-east-1': { targets: [] } } },
      { ...FILE, organization: { organizationId: 'o-a1b2c3d4e5' } },
    ];
    for (const file of same)
      expect(writtenConfigurationHash(file, 'eu-west-1'), JSON.stringify(file)).toBe(base);
    const other = [
      { ...FILE, scheduleMinutes: 10 },
      { ...FILE, regionOverrides: { 'eu-west-1': { notifications: { emails: ['eu@example.com'] } } } },
      { ...FILE, workloadWatch: { ecrApiCalls: false } },
    ];
    for (const file of other)
      expect(writtenConfigurationHash(file, 'eu-west-1'), JSON.stringify(file)).not.toBe(base);
    // Writing out a default changes the file as written, not what is deployed.
    const { config } = validateConfig(FILE);
    const explicit = { ...FILE, scheduleMinutes: config?.scheduleMinutes };
    const { config: explicitConfig } = validateConfig(explicit);
    if (!config || !explicitConfig) throw new Error('invalid test configuration');
    expect(writtenConfigurationHash(explicit, 'eu-west-1')).not.toBe(base);
    expect(configurationHash(explicitConfig, 'eu-west-1')).toBe(configurationHash(config, 'eu-west-1'));
  });

  it('tags every stack of the app for CloudFormation, as status recognizes a leftover stack by', () => {
    const { app } = synthApp(FILE);
    const assembly = app.synth();
    for (const name of [
      canaryStackName(FILE.name, 'eu-west-1'),
      canaryStackName(FILE.name, 'us-east-1'),
      dashboardStackName(FILE.name),
    ]) {
      // The cloud assembly's stack tags are what `cdk deploy` passes to CloudFormation as the stack's tags.
      expect(assembly.getStackByName(name).tags, name).toMatchObject({ [STACK_TAG]: FILE.name });
    }
  });

  describe('organization mode', () => {
    const ORG_FILE = {
      ...FILE,
      account: '111111111111',
      organization: {
        organizationId: 'o-a1b2c3d4e5',
        organizationalUnits: ['ou-ab12-prod0001'],
        monitoringAccount: '222222222222',
      },
    };
    /** The organization app's cloud assembly for `regions` (bundling skipped: the tags and templates are the point). */
    function orgAssembly(regions: string[]) {
      const { config, problems } = validateConfig({ ...ORG_FILE, regions });
      if (!config?.organization) throw new Error(problems.join('\n'));
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      buildOrganizationApp(app, { ...config, organization: config.organization });
      return app.synth();
    }
    const dashboards = (template: { Resources?: Record<string, { Type: string; Properties?: unknown }> }) =>
      Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');

    it("tags every stack of the organization app for CloudFormation, as status's leftover scan recognizes them", () => {
      const assembly = orgAssembly(['eu-west-1', 'us-east-1']);
      const names = [
        organizationStackName(FILE.name),
        ...['eu-west-1', 'us-east-1'].flatMap((r) => [
          assetStackName(FILE.name, r),
          monitoringStackName(FILE.name, r),
        ]),
      ];
      expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual([...names].sort());
      for (const name of names) {
        expect(assembly.getStackByName(name).tags, name).toMatchObject({ [STACK_TAG]: FILE.name });
      }
    });

    it("puts the dashboard, by one global name, in the first region's monitoring stack: reordering regions moves it to another stack", () => {
      const before = orgAssembly(['eu-west-1', 'us-east-1']);
      const after = orgAssembly(['us-east-1', 'eu-west-1']);
      const named = { DashboardName: organizationDashboardName(FILE.name) };
      const inStack = (assembly: ReturnType<typeof orgAssembly>, region: string) =>
        dashboards(assembly.getStackByName(monitoringStackName(FILE.name, region)).template);
      expect(inStack(before, 'eu-west-1')).toEqual([
        expect.objectContaining({ Properties: expect.objectContaining(named) }),
      ]);
      expect(inStack(before, 'us-east-1')).toEqual([]);
      expect(inStack(after, 'us-east-1')).toEqual([
        expect.objectContaining({ Properties: expect.objectContaining(named) }),
      ]);
      expect(inStack(after, 'eu-west-1')).toEqual([]);
      // No dependency orders the monitoring stacks: \`cdk deploy '<name>-monitoring-*'\` may run the new first region's
      // update (create the dashboard) before the old first region's (delete it), while the name is still taken.
      const monitoringOrder = after.stacks
        .map((s) => s.stackName)
        .filter((n) => n.startsWith(`${FILE.name}-monitoring-`));
      expect(monitoringOrder).toHaveLength(2);
      for (const name of monitoringOrder) {
        const stacksBefore = after.getStackByName(name).dependencies.filter((d) => d.id !== `${name}.assets`);
        expect(stacksBefore, name).toEqual([]);
      }
    });
  });
});

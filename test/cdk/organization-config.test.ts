import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CanaryConfigFile } from '../../lambda/engine/config/schema.ts';
import { validateConfig } from '../../lambda/engine/config/validate.ts';

const EXAMPLE = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../fixtures/organization-linked.config.json', import.meta.url)),
    'utf8',
  ),
) as CanaryConfigFile;
const ORG = EXAMPLE.organization as NonNullable<CanaryConfigFile['organization']>;

describe('the organization section', () => {
  it('ships an example a newcomer can synthesize before the sinks exist: no placeholder sink ARNs', () => {
    const shipped = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../canary.org.example.json', import.meta.url)), 'utf8'),
    ) as CanaryConfigFile;
    const { config, problems } = validateConfig(shipped);
    expect(problems).toEqual([]);
    // Step 5 of docs/organization.md creates the sinks; ARNs written before then would link to nothing.
    expect(shipped.organization?.sinkArns).toBeUndefined();
    expect(config?.organization?.sinkArns).toEqual({});
  });

  it('accepts a three-OU, four-region configuration with linked sinks and applies the defaults', () => {
    const { config, problems } = validateConfig(EXAMPLE);
    expect(problems).toEqual([]);
    expect(config?.regions.map((r) => r.region)).toHaveLength(4);
    expect(config?.organization).toMatchObject({
      managementAccount: EXAMPLE.account,
      organizationalUnits: ORG.organizationalUnits,
      accounts: [],
      accountFilter: 'INTERSECTION',
      maxConcurrent: { percentage: 25 },
      failureTolerance: { count: 1 },
    });
    expect(ORG.organizationalUnits).toHaveLength(3);
  });

  it('takes counts, the root and explicit accounts', () => {
    const { config, problems } = validateConfig({
      ...EXAMPLE,
      organization: {
        ...ORG,
        organizationalUnits: ['r-ab12'],
        accounts: ['333333333333'],
        accountFilter: 'DIFFERENCE',
        maxConcurrent: 5,
        failureTolerance: 0,
      },
    });
    expect(problems).toEqual([]);
    expect(config?.organization?.maxConcurrent).toEqual({ count: 5 });
    expect(config?.organization?.failureTolerance).toEqual({ count: 0 });
  });

  it('names every bad value at once, with what is allowed, and builds nothing', () => {
    const { config, problems } = validateConfig({
      ...EXAMPLE,
      vpc: { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] },
      organization: {
        ...ORG,
        organizationId: 'org-1',
        organizationalUnits: ['ou-AB12-x', 'r-ab12'],
        accounts: ['12345', '222222222222'],
        callAs: 'ADMIN',
        maxConcurrent: '0%',
        failureTolerance: -1,
        regionConcurrency: 'ALL',
        sinkArns: { 'eu-west-1': 'arn:aws:oam:us-east-1:222222222222:sink/abc' },
        retainStacks: true,
      } as never,
    });
    expect(config).toBeUndefined();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^organization\.retainStacks: got true; unknown key; allowed keys: organizationId, /,
        ),
        'vpc: got {"subnetIds":["subnet-0123456789abcdef0"],"securityGroupIds":["sg-0123456789abcdef0"]}; allowed: nothing with organization (subnets and security groups belong to one account)',
        'organization.organizationId: got "org-1"; allowed: an organization ID like "o-a1b2c3d4e5"',
        'organization.organizationalUnits[0]: got "ou-AB12-x"; allowed: OU IDs like "ou-ab12-cdef3456" or the root "r-ab12"',
        'organization.accounts[0]: got "12345"; allowed: 12-digit account IDs as strings',
        'organization.callAs: got "ADMIN"; allowed: one of "SELF", "DELEGATED_ADMIN"',
        'organization.maxConcurrent: got "0%"; allowed: a whole number of accounts from 1, or a percentage from "1%" to "100%"',
        'organization.failureTolerance: got -1; allowed: a whole number of accounts from 0, or a percentage from "1%" to "100%"',
        'organization.regionConcurrency: got "ALL"; allowed: one of "PARALLEL", "SEQUENTIAL"',
        'organization.monitoringAccount: got "222222222222"; allowed: an account that is not also in organization.accounts, unless organization.monitoringAccountIsMember is true (it would run a canary and link to its own sink)',
        'organization.sinkArns.eu-west-1: got "arn:aws:oam:us-east-1:222222222222:sink/abc"; allowed: an OAM sink ARN in eu-west-1 of the monitoring account, arn:aws:oam:eu-west-1:222222222222:sink/<id>',
      ]),
    );
    expect(
      problems.some(
        (line) => line.startsWith('organization.sinkArns: ') && line.includes('missing eu-central-1'),
      ),
    ).toBe(true);
  });

  it('refuses an empty target list and a region of the wrong form', () => {
    const { problems } = validateConfig({
      ...EXAMPLE,
      regions: ['eu-west-1', 'eu-wst-1'],
      organization: { ...ORG, organizationalUnits: [], sinkArns: undefined } as never,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'organization.organizationalUnits: got []; allowed: at least one OU ID or the root "r-ab12": an empty target list deploys nothing',
        expect.stringMatching(
          /^regions\[1\]: got "eu-wst-1"; allowed: a known AWS region \(did you mean "eu-west-1"\?\)/,
        ),
      ]),
    );
  });

  // "UNION is not supported for create operations when using StackSet as a resource" (AWS::CloudFormation::StackSet
  // DeploymentTargets; aws-cloudformation/aws-cloudformation-resource-providers-cloudformation#100): the first
  // deploy would fail after the code buckets exist.
  it('refuses UNION, which the StackSet resource refuses on create, and says what works instead', () => {
    const { config, problems } = validateConfig({
      ...EXAMPLE,
      organization: { ...ORG, accounts: ['333333333333'], accountFilter: 'UNION' } as never,
    });
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(
        /^organization\.accountFilter: got "UNION"; allowed: "INTERSECTION" or "DIFFERENCE"; CloudFormation refuses UNION .*add the OU that holds them to organization\.organizationalUnits/,
      ),
    ]);
  });

  // DeploymentTargets: "DIFFERENCE: StackSets excludes the accounts specified in Accounts parameter" — listing the
  // monitoring account there is how it is kept out of a targeted OU, not a member.
  it('takes the monitoring account listed with DIFFERENCE (left out of the OUs), and refuses calling it a member then', () => {
    const excluded = { ...ORG, accounts: ['222222222222'], accountFilter: 'DIFFERENCE' as const };
    expect(validateConfig({ ...EXAMPLE, organization: excluded }).problems).toEqual([]);
    expect(
      validateConfig({ ...EXAMPLE, organization: { ...excluded, monitoringAccountIsMember: true } }).problems,
    ).toEqual([
      'organization.monitoringAccountIsMember: got true; allowed: false when organization.accounts lists the monitoring account with accountFilter "DIFFERENCE", which leaves it out of the OUs (remove it from accounts to make it a member)',
    ]);
    // INTERSECTION deploys to it: a member, which must be said.
    expect(
      validateConfig({ ...EXAMPLE, organization: { ...excluded, accountFilter: 'INTERSECTION' } }).problems,
    ).toEqual([
      'organization.monitoringAccount: got "222222222222"; allowed: an account that is not also in organization.accounts, unless organization.monitoringAccountIsMember is true (it would run a canary and link to its own sink)',
    ]);
  });

  it('accepts the monitoring account as a member when it says so, and needs the management account', () => {
    const member = { ...ORG, accounts: ['222222222222'], monitoringAccountIsMember: true };
    expect(validateConfig({ ...EXAMPLE, organization: member }).problems).toEqual([]);
    const { problems } = validateConfig({ ...EXAMPLE, account: undefined });
    expect(problems).toEqual([
      'account: got nothing; allowed: with organization, the 12-digit management or delegated-administrator account (it holds the StackSet and the code buckets)',
    ]);
  });
});

describe('a key organization refuses', () => {
  // Issue 27, item 1: one line per refused key, the refusal, and never a fix through another refused key.
  const VPC = { subnetIds: ['subnet-0123456789abcdef0'], securityGroupIds: ['sg-0123456789abcdef0'] };
  it.each([
    ['a top-level vpc that every region would share', { vpc: VPC }, 'vpc'],
    ['a malformed top-level vpc', { vpc: { subnetIds: ['bad'] } }, 'vpc'],
    [
      'regionOverrides with bad contents',
      { regionOverrides: { 'eu-west-1': { vpc: null, targets: 5 } } },
      'regionOverrides',
    ],
  ])('%s gets one error, the refusal', (_, extra, key) => {
    const { config, problems } = validateConfig({ ...EXAMPLE, ...extra } as CanaryConfigFile);
    expect(config).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${key}: got .*; allowed: nothing with organization \\(`)),
    ]);
    expect(problems.join('\n')).not.toContain('set regionOverrides');
  });
});

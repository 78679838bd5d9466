import {
  DescribeStackSetCommand,
  ListStackInstancesCommand,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import type { Outcome } from '../../engine/aws/call.ts';
import type { CanaryConfig } from '../../engine/config/schema.ts';
import { monitoringStackName, organizationStackName, stackSetName } from '../../engine/model/deployment.ts';
import { check, type Place, type StatusCheck, unanswered } from './check.ts';
import { leftoverChecks } from './leftover.ts';
import type { StatusReader } from './read.ts';

/**
 * An organization rollout, seen from the account status runs as: from the StackSet's administrator, the StackSet
 * and every stack instance (account and region) with its status; from the monitoring account, its sink stacks.
 * The members' own alarms and subscriptions are theirs to read (their credentials, the same command). With `scan`,
 * the account's own stacks left where the configuration puts none (lambda/commands/status/leftover.ts).
 */
export async function organizationStatus(
  reader: StatusReader,
  config: CanaryConfig,
  caller: string,
  scan = true,
): Promise<StatusCheck[]> {
  const org = config.organization;
  if (!org) return [];
  const regions = config.regions.map((r) => r.region);
  const first = regions[0] ?? 'us-east-1';
  const admin = org.managementAccount;
  const monitoring = org.monitoringAccount;
  if (caller !== admin && caller !== monitoring) {
    return [
      check(
        'account',
        null,
        'fail',
        `these credentials are account ${caller}, neither account ${admin} (the StackSet's)${monitoring ? ` nor ${monitoring} (organization.monitoringAccount)` : ''}`,
        `run status with the credentials of ${admin}${monitoring ? `, then of ${monitoring}` : ''}`,
        { caller, managementAccount: admin, monitoringAccount: monitoring ?? null },
      ),
    ];
  }
  const work: Array<Promise<StatusCheck[]>> = [];
  if (caller === admin) {
    const place = { account: caller, region: first };
    work.push(stackPresent(reader, place, organizationStackName(config.name)));
    work.push(stackSetChecks(reader, place, config, org.callAs));
  }
  if (caller === monitoring) {
    for (const region of regions) {
      work.push(stackPresent(reader, { account: caller, region }, monitoringStackName(config.name, region)));
    }
  }
  work.push(
    scan
      ? leftoverChecks(reader, config, caller)
      : Promise.resolve([check('leftover', null, 'skip', 'not looked for (--no-scan)', null)]),
  );
  const other = caller === admin ? monitoring : admin;
  return [
    check(
      'account',
      null,
      'pass',
      `account ${caller}: ${caller === admin ? 'the StackSet administrator' : 'the monitoring account'}${other && other !== caller ? `; run status again as ${other} for its part` : ''}`,
      null,
      { caller, managementAccount: admin, monitoringAccount: monitoring ?? null },
    ),
    ...(await Promise.all(work)).flat(),
  ];
}

async function stackPresent(reader: StatusReader, place: Place, name: string): Promise<StatusCheck[]> {
  const stack = await reader.stack(place.region, name);
  if (!stack.ok) return [unanswered('stack', place, 'cloudformation:DescribeStacks', stack)];
  if (stack.value === null) {
    return [
      check('stack', place, 'fail', `not deployed: there is no stack ${name}`, `npx cdk deploy ${name}`, {
        stackName: name,
      }),
    ];
  }
  const status = stack.value.StackStatus ?? 'UNKNOWN';
  const good = /^(CREATE|UPDATE|IMPORT)_COMPLETE$/.test(status);
  return [
    check(
      'stack',
      place,
      good ? 'pass' : /_IN_PROGRESS$/.test(status) || status === 'UPDATE_ROLLBACK_COMPLETE' ? 'warn' : 'fail',
      `${name} is ${status}`,
      good
        ? null
        : `read why in the stack's events (aws cloudformation describe-stack-events --stack-name ${name} --region ${place.region})`,
      { stackName: name, stackStatus: status },
    ),
  ];
}

async function stackSetChecks(
  reader: StatusReader,
  place: Place,
  config: CanaryConfig,
  callAs: string,
): Promise<StatusCheck[]> {
  const name = stackSetName(config.name);
  const client = reader.cloudformation(place.region);
  const described = await reader.call((abortSignal) =>
    client.send(new DescribeStackSetCommand({ StackSetName: name, CallAs: callAs as 'SELF' }), {
      abortSignal,
    }),
  );
  if (!described.ok) {
    if (described.name === 'StackSetNotFoundException') {
      return [
        check(
          'stackset',
          place,
          'fail',
          `there is no StackSet ${name}`,
          'deploy the organization stack (npx cdk deploy)',
          {
            stackSetName: name,
          },
        ),
      ];
    }
    return [unanswered('stackset', place, 'cloudformation:DescribeStackSet', described)];
  }
  const instances: StackInstanceSummary[] = [];
  let nextToken: string | undefined;
  let listed: Outcome<unknown> = { ok: true, value: null };
  do {
    const page = await reader.call((abortSignal) =>
      client.send(
        new ListStackInstancesCommand({ StackSetName: name, CallAs: callAs as 'SELF', NextToken: nextToken }),
        { abortSignal },
      ),
    );
    listed = page;
    if (!page.ok) break;
    instances.push(...(page.value.Summaries ?? []));
    nextToken = page.value.NextToken;
  } while (nextToken);
  const status = described.value.StackSet?.Status ?? 'UNKNOWN';
  const checks: StatusCheck[] = [];
  if (!listed.ok) return [unanswered('stackset', place, 'cloudformation:ListStackInstances', listed)];
  const bad = instances.filter(
    (i) => i.Status !== 'CURRENT' || (i.StackInstanceStatus?.DetailedStatus ?? 'SUCCEEDED') !== 'SUCCEEDED',
  );
  checks.push(
    check(
      'stackset',
      place,
      status !== 'ACTIVE' ? 'fail' : instances.length === 0 ? 'fail' : 'pass',
      `${name} is ${status}: ${instances.length} stack instance(s), ${instances.length - bad.length} current`,
      instances.length === 0
        ? 'no account has the canary: check organization.organizationalUnits and deploy'
        : null,
      {
        stackSetName: name,
        status,
        instances: instances.map((i) => ({
          account: i.Account,
          region: i.Region,
          status: i.Status,
          detailedStatus: i.StackInstanceStatus?.DetailedStatus ?? null,
        })),
      },
    ),
  );
  checks.push(...removedRegionInstances(config, place, instances));
  for (const i of bad) {
    const detailed = i.StackInstanceStatus?.DetailedStatus ?? '';
    const running = detailed === 'PENDING' || detailed === 'RUNNING';
    checks.push(
      check(
        'instance',
        { account: i.Account ?? '?', region: i.Region ?? '?' },
        running ? 'warn' : 'fail',
        `${i.Status}${detailed ? ` (${detailed})` : ''}${i.StatusReason ? `: ${i.StatusReason}` : ''}`,
        running
          ? 'an operation is running: run status again when it is done'
          : `read the operation's result (aws cloudformation list-stack-set-operations --stack-set-name ${name}${callAs === 'SELF' ? '' : ` --call-as ${callAs}`} --region ${place.region}), fix it, then deploy again`,
        { stackSetName: name, status: i.Status, detailedStatus: detailed || null },
      ),
    );
  }
  return checks;
}

/**
 * Stack instances in a region the configuration no longer names: the StackSet stack's next deploy deletes them (the
 * StackSet resource's update deletes the instances its new model no longer has), until then their canaries still
 * probe, page and cost in every account listed. One line per region.
 */
function removedRegionInstances(
  config: CanaryConfig,
  place: Place,
  instances: readonly StackInstanceSummary[],
): StatusCheck[] {
  const configured = new Set(config.regions.map((r) => r.region));
  const byRegion = new Map<string, string[]>();
  for (const i of instances) {
    if (!i.Region || configured.has(i.Region)) continue;
    byRegion.set(i.Region, [...(byRegion.get(i.Region) ?? []), i.Account ?? '?']);
  }
  const stack = organizationStackName(config.name);
  return [...byRegion].map(([region, accounts]) =>
    check(
      'instance',
      { account: place.account, region },
      'warn',
      `${accounts.length} stack instance(s) in ${region}, a region the configuration no longer names (${accounts.join(', ')}): their canaries still probe, page and cost`,
      `if ${region} was removed on purpose, deploy ${stack} with this configuration: the StackSet's update deletes them; else add ${region} back to regions`,
      { stackSetName: stackSetName(config.name), region, accounts },
    ),
  );
}

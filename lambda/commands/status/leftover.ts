import type { Stack } from '@aws-sdk/client-cloudformation';
import type { Failed } from '../../engine/aws/call.ts';
import type { CanaryConfig } from '../../engine/config/schema.ts';
import {
  canaryStackName,
  dashboardStackName,
  STACK_OUTPUTS,
  STACK_TAG,
} from '../../engine/model/deployment.ts';
import { KNOWN_REGIONS, regionPartition } from '../../engine/model/regions.ts';
import { check, STATUS_PERMISSIONS_LINK, type StatusCheck } from './check.ts';
import type { StatusReader } from './read.ts';

/**
 * Stacks this canary left behind: a canary stack in a region the configuration no longer names, and a dashboard
 * stack the configuration turned off or moved (it lives in the first region). The app no longer has them to update
 * or destroy, so nothing else says they still probe, page and cost. Each stack's name is known per region
 * (lambda/engine/model/deployment.ts), so one DescribeStacks by name per candidate, all at once, finds them: the
 * candidates are the known regions (lambda/engine/model/regions.ts) of the configuration's partition.
 */

/**
 * What a region the account has not enabled (an opt-in region not opted in) answers any signed call with: the AWS
 * query services (CloudFormation, STS) InvalidClientTokenId, "The security token included in the request is
 * invalid"; the JSON services UnrecognizedClientException; EC2 AuthFailure. The same credentials have just been
 * accepted in the configured regions, so here it means the region, not the credentials: skipped without a word.
 */
const NOT_ENABLED = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'AuthFailure']);

/**
 * A denial by a service control policy says so in its message (IAM's "... with an explicit deny in a service
 * control policy", https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html). Organizations commonly close the regions they do not use this way; no stack could be deployed
 * there since, so such a region is skipped like one not enabled, rather than a standing "not checked" on every run.
 */
const SCP_DENY = /explicit deny in a service control policy/i;

type Kind = 'canary' | 'dashboard';

interface Lookup {
  region: string;
  kind: Kind;
  stackName: string;
}

/** One DescribeStacks by name per stack this canary may have left in a region: every candidate, in its order. */
export function leftoverLookups(config: CanaryConfig): {
  partition: string;
  regions: string[];
  lookups: Lookup[];
} {
  const first = config.regions[0]?.region ?? 'us-east-1';
  const configured = new Set(config.regions.map((r) => r.region));
  const partition = regionPartition(first);
  const regions = KNOWN_REGIONS.filter((region) => regionPartition(region) === partition);
  const lookups = regions.flatMap((region): Lookup[] => [
    ...(configured.has(region)
      ? []
      : [{ region, kind: 'canary' as const, stackName: canaryStackName(config.name, region) }]),
    ...(config.dashboard && region === first
      ? []
      : [{ region, kind: 'dashboard' as const, stackName: dashboardStackName(config.name) }]),
  ]);
  return { partition, regions, lookups };
}

/** The stack is this canary's: it carries the app's tag with this name, or (older stacks) a canary stack's Outputs. */
function ours(stack: Stack, name: string): boolean {
  if ((stack.Tags ?? []).some((t) => t.Key === STACK_TAG && t.Value === name)) return true;
  return (stack.Outputs ?? []).some((o) => o.OutputKey === STACK_OUTPUTS.scheduleName);
}

const deleteCommand = (stackName: string, region: string) =>
  `aws cloudformation delete-stack --stack-name ${stackName} --region ${region}`;

/** The leftover lines: one per stack found (warn, with its delete command), and one that sums up the scan. */
export async function leftoverChecks(
  reader: StatusReader,
  config: CanaryConfig,
  account: string,
): Promise<StatusCheck[]> {
  const first = config.regions[0]?.region ?? 'us-east-1';
  const { partition, regions, lookups } = leftoverLookups(config);
  const answers = await Promise.all(lookups.map((l) => reader.stack(l.region, l.stackName)));
  const found: Array<Lookup & { stack: Stack }> = [];
  const skipped = { notEnabled: new Set<string>(), closedByPolicy: new Set<string>() };
  const denied = new Map<string, Failed>();
  const unanswered = new Map<string, Failed>();
  const foreign: string[] = [];
  lookups.forEach((lookup, i) => {
    const answer = answers[i];
    if (!answer) return;
    if (answer.ok) {
      if (answer.value === null) return;
      if (ours(answer.value, config.name)) found.push({ ...lookup, stack: answer.value });
      else foreign.push(`${lookup.stackName} in ${lookup.region}`);
    } else if (NOT_ENABLED.has(answer.name)) skipped.notEnabled.add(lookup.region);
    else if (answer.kind === 'denied' && SCP_DENY.test(answer.message))
      skipped.closedByPolicy.add(lookup.region);
    else if (answer.kind === 'denied') denied.set(lookup.region, answer);
    else unanswered.set(lookup.region, answer);
  });
  const deleting = found.filter((f) => f.stack.StackStatus === 'DELETE_IN_PROGRESS');
  const left = found.filter((f) => !deleting.includes(f));
  const lines = left.map((f) => leftoverLine(config, first, account, f));
  const parts = [
    `looked for this canary's stacks where the configuration puts none, in ${regions.length} regions of the ${partition} partition: ${
      left.length === 0 ? 'none left over' : `${left.length} left over (below)`
    }`,
    ...(deleting.length
      ? [`being deleted: ${deleting.map((f) => `${f.stackName} in ${f.region}`).join(', ')}`]
      : []),
    ...(skipped.notEnabled.size ? [`${skipped.notEnabled.size} not enabled for this account (skipped)`] : []),
    ...(skipped.closedByPolicy.size
      ? [`${skipped.closedByPolicy.size} closed by a service control policy (skipped)`]
      : []),
    ...(denied.size
      ? [
          `not checked in ${[...denied.keys()].join(', ')}: cloudformation:DescribeStacks was denied (${[...denied.values()][0]?.name})`,
        ]
      : []),
    ...(unanswered.size
      ? [`not checked in ${[...unanswered.keys()].join(', ')}: ${[...unanswered.values()][0]?.message}`]
      : []),
    ...(foreign.length
      ? [`not this canary's (no ${STACK_TAG}=${config.name} tag), left alone: ${foreign.join(', ')}`]
      : []),
  ];
  const fixes = [
    ...(denied.size
      ? [
          `allow cloudformation:DescribeStacks in every region to these credentials (${STATUS_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${canaryStackName(config.name, [...denied.keys()][0] ?? first)} --region ${[...denied.keys()][0]}`,
        ]
      : []),
    ...(unanswered.size
      ? ["check the path to those regions' CloudFormation endpoints and run status again"]
      : []),
  ];
  const summary = check(
    'leftover',
    null,
    left.length > 0 || denied.size > 0 || unanswered.size > 0 ? 'warn' : 'pass',
    parts.join('; '),
    fixes.length ? fixes.join('; ') : null,
    {
      partition,
      regions,
      found: found.map((f) => ({
        stackName: f.stackName,
        region: f.region,
        kind: f.kind,
        stackStatus: f.stack.StackStatus ?? null,
      })),
      notEnabled: [...skipped.notEnabled],
      closedByPolicy: [...skipped.closedByPolicy],
      denied: [...denied.keys()],
      unanswered: [...unanswered.keys()],
      foreign,
    },
  );
  return [summary, ...lines];
}

function leftoverLine(
  config: CanaryConfig,
  first: string,
  account: string,
  { region, kind, stackName, stack }: Lookup & { stack: Stack },
): StatusCheck {
  const status = stack.StackStatus ?? 'UNKNOWN';
  const place = { account, region };
  const details = { stackName, kind, stackStatus: status, delete: deleteCommand(stackName, region) };
  const failedDelete =
    status === 'DELETE_FAILED'
      ? ` (a delete was tried and failed: read why with aws cloudformation describe-stack-events --stack-name ${stackName} --region ${region})`
      : '';
  if (kind === 'canary') {
    return check(
      'leftover',
      place,
      'warn',
      `${stackName} is still deployed in ${region} (${status}), a region the configuration no longer names: its probe still runs, its alarms can still page, and it still costs`,
      `if ${region} was removed on purpose, delete the stack: ${deleteCommand(stackName, region)}${failedDelete}; else add ${region} back to regions`,
      details,
    );
  }
  if (!config.dashboard) {
    return check(
      'leftover',
      place,
      'warn',
      `${stackName} is still deployed in ${region} (${status}), but the configuration has "dashboard": false: the dashboard is still there and still costs`,
      `delete the stack: ${deleteCommand(stackName, region)}${failedDelete}`,
      details,
    );
  }
  return check(
    'leftover',
    place,
    'warn',
    `${stackName} is deployed in ${region} (${status}), but the dashboard now belongs in ${first}, the first of regions`,
    `delete it first: ${deleteCommand(stackName, region)}${failedDelete}; then npx cdk deploy ${stackName}. A dashboard's name is global to the account: the stack in ${first} cannot create it while this one holds it, and deleting this one afterwards would delete the dashboard the new one made`,
    details,
  );
}

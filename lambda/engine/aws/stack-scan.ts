import {
  type CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  type Stack,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import type { CanaryConfig } from '../config/schema.ts';
import {
  assetStackName,
  canaryStackName,
  dashboardStackName,
  monitoringStackName,
  organizationStackName,
  STACK_OUTPUTS,
  STACK_TAG,
} from '../model/deployment.ts';
import { KNOWN_REGIONS, regionPartition } from '../model/regions.ts';
import type { Failed, Outcome } from './call.ts';
import type { DeadlineCall } from './metric-alarms.ts';

/**
 * Finding this canary's stacks where the configuration puts none, by name (status's leftover scan, preflight's
 * moved-dashboard check): each stack's name is known per region (lambda/engine/model/deployment.ts), so one
 * DescribeStacks by name per candidate, all at once, finds them; the candidates are the known regions
 * (lambda/engine/model/regions.ts) of the configuration's partition. Who may read where, and whose stack it is,
 * is judged here once. With `organization`, the stacks are the account's own part of the rollout: the monitoring
 * account's sink stacks, the StackSet account's code bucket stacks and StackSet stack.
 */

/** DescribeStacks by name: the stack, or null when CloudFormation says there is none by that name. */
export async function stackByName(
  call: DeadlineCall,
  cloudformation: CloudFormationClient,
  name: string,
): Promise<Outcome<Stack | null>> {
  const answer = await call((abortSignal) =>
    cloudformation.send(new DescribeStacksCommand({ StackName: name }), { abortSignal }),
  );
  if (!answer.ok) {
    // DescribeStacks answers a missing stack with a ValidationError "Stack with id NAME does not exist".
    if (answer.name === 'ValidationError' && /does not exist/.test(answer.message)) {
      return { ok: true, value: null };
    }
    return answer;
  }
  return { ok: true, value: answer.value.Stacks?.[0] ?? null };
}

/** DescribeStackResources of one stack: its resources (the call returns up to 100; the stacks read have a few). */
export async function stackResources(
  call: DeadlineCall,
  cloudformation: CloudFormationClient,
  name: string,
): Promise<Outcome<StackResource[]>> {
  const answer = await call((abortSignal) =>
    cloudformation.send(new DescribeStackResourcesCommand({ StackName: name }), { abortSignal }),
  );
  return answer.ok ? { ok: true, value: answer.value.StackResources ?? [] } : answer;
}

/**
 * Whether a stack holds a CloudWatch dashboard: a resource of that type CloudFormation has not deleted and did not
 * fail to create (the organization's monitoring stacks are alike but for the first region's dashboard).
 */
export function holdsDashboard(resources: readonly StackResource[]): boolean {
  return resources.some(
    (r) =>
      r.ResourceType === 'AWS::CloudWatch::Dashboard' &&
      !['DELETE_COMPLETE', 'CREATE_FAILED'].includes(r.ResourceStatus ?? ''),
  );
}

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

/**
 * One-account: `canary` (`<name>-<region>`), `dashboard` (`<name>-dashboard`). Organization: `monitoring`
 * (`<name>-monitoring-<region>`, monitoring account), `assets` (`<name>-org-assets-<region>`) and `stackset`
 * (`<name>-org`), the StackSet account's.
 */
export type StackKind = 'canary' | 'dashboard' | 'monitoring' | 'assets' | 'stackset';

export interface StackLookup {
  region: string;
  kind: StackKind;
  stackName: string;
}

/**
 * One DescribeStacks by name per stack this canary may have left in a region, every candidate in its order.
 * One-account: the canary stack in each region of the partition the configuration does not name, the dashboard
 * stack in each but the first configured one (in every one with the dashboard turned off). Organization, for the
 * account `account` (the caller): as the monitoring account, its sink stack in every region but the first (a
 * configured one is expected there, and is a find only while it still holds the dashboard); as the StackSet's
 * account, the code bucket stack in every region the configuration does not name, and the StackSet stack in every
 * region but the first.
 */
export function strayStackLookups(
  config: CanaryConfig,
  account?: string,
  candidates: readonly string[] = KNOWN_REGIONS,
): {
  partition: string;
  regions: string[];
  lookups: StackLookup[];
} {
  const first = firstRegion(config);
  const configured = new Set(config.regions.map((r) => r.region));
  const partition = regionPartition(first);
  const regions = candidates.filter((region) => regionPartition(region) === partition);
  const org = config.organization;
  const name = config.name;
  const lookups = regions.flatMap((region): StackLookup[] => {
    if (org) {
      const admin = account === org.managementAccount;
      return [
        ...(account === org.monitoringAccount && region !== first
          ? [{ region, kind: 'monitoring' as const, stackName: monitoringStackName(name, region) }]
          : []),
        ...(admin && !configured.has(region)
          ? [{ region, kind: 'assets' as const, stackName: assetStackName(name, region) }]
          : []),
        ...(admin && region !== first
          ? [{ region, kind: 'stackset' as const, stackName: organizationStackName(name) }]
          : []),
      ];
    }
    return [
      ...(configured.has(region)
        ? []
        : [{ region, kind: 'canary' as const, stackName: canaryStackName(name, region) }]),
      ...(config.dashboard && region === first
        ? []
        : [{ region, kind: 'dashboard' as const, stackName: dashboardStackName(name) }]),
    ];
  });
  return { partition, regions, lookups };
}

/** The region the app deploys the dashboard stack to: the first configured one. */
export function firstRegion(config: CanaryConfig): string {
  return config.regions[0]?.region ?? 'us-east-1';
}

/** The stack is this canary's: it carries the app's tag with this name, or (older stacks) a canary stack's Outputs. */
export function isOurStack(stack: Stack, name: string): boolean {
  if ((stack.Tags ?? []).some((t) => t.Key === STACK_TAG && t.Value === name)) return true;
  return (stack.Outputs ?? []).some((o) => o.OutputKey === STACK_OUTPUTS.scheduleName);
}

/** A stack of this canary's found; a monitoring stack also says whether it holds the organization's dashboard. */
export type FoundStack = StackLookup & { stack: Stack; holdsDashboard?: boolean };

/** What the lookups found, and where they could not look. */
export interface StackScan {
  /** This canary's stacks (by {@link isOurStack}), in the lookups' order. */
  found: FoundStack[];
  /** A stack of the name that is not this canary's: `NAME in REGION`, left alone. */
  foreign: string[];
  /** Regions the account has not enabled, and regions a service control policy closes: skipped without a word. */
  notEnabled: Set<string>;
  closedByPolicy: Set<string>;
  /** Regions where the read was denied, or got no answer: not checked. */
  denied: Map<string, Failed>;
  unanswered: Map<string, Failed>;
  /** Regions whose monitoring stack was found but its resources not read: whether it holds the dashboard is unknown. */
  resourcesUnread: Map<string, Failed>;
}

/**
 * Runs every lookup at once with `describe` (a {@link stackByName} per region) and sorts the answers; then, with
 * `resources` (a {@link stackResources} per region), reads each monitoring stack found for the dashboard.
 */
export async function scanStacks(
  lookups: readonly StackLookup[],
  describe: (region: string, stackName: string) => Promise<Outcome<Stack | null>>,
  canaryName: string,
  resources?: (region: string, stackName: string) => Promise<Outcome<StackResource[]>>,
): Promise<StackScan> {
  const answers = await Promise.all(lookups.map((l) => describe(l.region, l.stackName)));
  const scan: StackScan = {
    found: [],
    foreign: [],
    notEnabled: new Set(),
    closedByPolicy: new Set(),
    denied: new Map(),
    unanswered: new Map(),
    resourcesUnread: new Map(),
  };
  lookups.forEach((lookup, i) => {
    const answer = answers[i];
    if (!answer) return;
    if (answer.ok) {
      if (answer.value === null) return;
      if (isOurStack(answer.value, canaryName)) scan.found.push({ ...lookup, stack: answer.value });
      else scan.foreign.push(`${lookup.stackName} in ${lookup.region}`);
    } else if (NOT_ENABLED.has(answer.name)) scan.notEnabled.add(lookup.region);
    else if (answer.kind === 'denied' && SCP_DENY.test(answer.message))
      scan.closedByPolicy.add(lookup.region);
    else if (answer.kind === 'denied') scan.denied.set(lookup.region, answer);
    else scan.unanswered.set(lookup.region, answer);
  });
  const monitoring = resources ? scan.found.filter((f) => f.kind === 'monitoring') : [];
  const read = await Promise.all(monitoring.map((f) => resources?.(f.region, f.stackName)));
  monitoring.forEach((found, i) => {
    const answer = read[i];
    if (!answer) return;
    if (answer.ok) found.holdsDashboard = holdsDashboard(answer.value);
    else scan.resourcesUnread.set(found.region, answer);
  });
  return scan;
}

/** The lines both commands print for the regions they skipped, the stranger's stacks they left alone. */
export function scanNotes(scan: StackScan, canaryName: string): string[] {
  return [
    ...(scan.notEnabled.size ? [`${scan.notEnabled.size} not enabled for this account (skipped)`] : []),
    ...(scan.closedByPolicy.size
      ? [`${scan.closedByPolicy.size} closed by a service control policy (skipped)`]
      : []),
    ...(scan.denied.size
      ? [
          `not checked in ${[...scan.denied.keys()].join(', ')}: cloudformation:DescribeStacks was denied (${[...scan.denied.values()][0]?.name})`,
        ]
      : []),
    ...(scan.unanswered.size
      ? [
          `not checked in ${[...scan.unanswered.keys()].join(', ')}: ${[...scan.unanswered.values()][0]?.message}`,
        ]
      : []),
    ...(scan.resourcesUnread.size
      ? [
          `not checked whether the monitoring stack holds the dashboard in ${[...scan.resourcesUnread.keys()].join(', ')}: ${unreadReason([...scan.resourcesUnread.values()][0])}`,
        ]
      : []),
    ...(scan.foreign.length
      ? [`not this canary's (no ${STACK_TAG}=${canaryName} tag), left alone: ${scan.foreign.join(', ')}`]
      : []),
  ];
}

const unreadReason = (failed: Failed | undefined): string =>
  failed?.kind === 'denied'
    ? `cloudformation:DescribeStackResources was denied (${failed.name})`
    : (failed?.message ?? '');

export const deleteStackCommand = (stackName: string, region: string): string =>
  `aws cloudformation delete-stack --stack-name ${stackName} --region ${region}`;

/** After a delete command, for a stack whose last delete failed: where to read why. */
export function deleteFailedNote(stackStatus: string, stackName: string, region: string): string {
  return stackStatus === 'DELETE_FAILED'
    ? ` (a delete was tried and failed: read why with aws cloudformation describe-stack-events --stack-name ${stackName} --region ${region})`
    : '';
}

/** Why a dashboard stack cannot follow the first region by itself: both commands' fixes end with it. */
export function dashboardNameIsGlobal(first: string): string {
  return `A dashboard's name is global to the account: the stack in ${first} cannot create it while this one holds it, and deleting this one afterwards would delete the dashboard the new one made`;
}

import {
  dashboardNameIsGlobal,
  deleteFailedNote,
  deleteStackCommand,
  type FoundStack,
  firstRegion,
  type StackKind,
  scanNotes,
  scanStacks,
  stackByName,
  stackResources,
  strayStackLookups,
} from '../../engine/aws/stack-scan.ts';
import {
  dashboardStackName,
  monitoringStackName,
  organizationDashboardName,
  organizationStackName,
  stackSetName,
} from '../../engine/model/deployment.ts';
import { type CheckContext, call, check, type PreflightCheck, READ_PERMISSIONS_LINK } from './check.ts';
import type { CanaryConfig } from './config.ts';

/**
 * A stack status whose stack holds no resource, so no dashboard: a creation rolled back (CloudFormation deletes
 * what it had created), a change set never executed
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html, stack status
 * codes). Such a stack in another region does not stop the deploy; status lists it as left over.
 */
const HOLDS_NOTHING = new Set(['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS']);

/**
 * What a "stack where the configuration no longer puts it" check looks for, and how it says what it found: every
 * region of the partition but the first, by the scan status shares (lambda/engine/aws/stack-scan.ts), so an old
 * first region already removed from `regions` is found too.
 */
interface Placement {
  id: 'dashboard' | 'stackset-stack';
  /** The shared scan's lookups it takes. */
  kind: StackKind;
  /** The stack that belongs in the first region. */
  stackName: string;
  /** What a stack in the way holds, for a stack found that holds nothing. */
  holds: string;
  /** What it looks for, in the pass line: `looked for <lookingFor> the N regions …`. */
  lookingFor: string;
  /** A stack found is in the way only when its resources say so (DescribeStackResources): the monitoring stacks. */
  byResources: boolean;
  /** A stack in the way, by where it is. */
  where(f: FoundStack): string;
  /** The step for one stack in the way (not being deleted); `remove` is its delete command. */
  step(f: FoundStack, remove: string, configured: boolean): string;
  saw(where: string, allConfigured: boolean): string;
  /** The fix, from the steps and, with one stack in the way, how to keep it (`put R first in regions`). */
  fix(steps: string, keep: string | null): string;
  /** More details, and whether the delete commands are among them. */
  details: Record<string, unknown>;
  deletes: boolean;
}

/**
 * The dashboard where the configuration no longer puts it. CloudWatch dashboard names are global to the account
 * ("All dashboards in your account are global, not region-specific":
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html), and a CloudFormation create
 * of a dashboard whose name is taken fails ("already exists").
 *
 * One account: the app deploys `<name>-dashboard` in the first configured region, with a dashboard named after the
 * canary. When `regions` is reordered, or its first region removed, `cdk deploy --all` creates a second
 * `<name>-dashboard` stack in the new first region, and its dashboard fails while the old stack holds the name.
 *
 * With `organization`, from the monitoring account: the dashboard `<name>-organization` lives in the first region's
 * sink stack, `<name>-monitoring-<first>`; every region's sink stack is in the app, and only the first one's template
 * has the dashboard. When `regions` is reordered, `cdk deploy '<name>-monitoring-*'` updates both stacks, and no
 * dependency orders them: if the new first region's update runs first, it creates the dashboard while the old first
 * region's stack still holds the name, and fails; when the old first region was removed from `regions`, its stack
 * is no longer in the app and holds the name until deleted. So each sink stack found is read (DescribeStackResources):
 * one that holds a dashboard fails the check.
 */
export function dashboardCheck(
  ctx: CheckContext,
  config: CanaryConfig,
  account: string,
): Promise<PreflightCheck> {
  const first = firstRegion(config);
  const global = dashboardNameIsGlobal(first);
  if (!config.organization) {
    const stackName = dashboardStackName(config.name);
    return placementCheck(ctx, config, account, {
      id: 'dashboard',
      kind: 'dashboard',
      stackName,
      holds: 'dashboard',
      lookingFor: `${stackName} in`,
      byResources: false,
      where: (f) => `${f.region} (${f.stack.StackStatus ?? 'UNKNOWN'})`,
      step: (_f, remove) => remove,
      saw: (where) =>
        `${stackName} is deployed in ${where}, but the configuration now puts the dashboard in ${first}, the first of regions: cdk deploy would create a second ${stackName} there, and its dashboard "${config.name}" would fail as already existing`,
      fix: (steps, keep) =>
        `delete the old stack first (it deletes the dashboard; the deploy then makes it in ${first}): ${steps}${orKeep(keep, 'dashboard')}. ${global}`,
      details: {},
      deletes: true,
    });
  }
  const stackName = monitoringStackName(config.name, first);
  const dashboard = organizationDashboardName(config.name);
  return placementCheck(ctx, config, account, {
    id: 'dashboard',
    kind: 'monitoring',
    stackName,
    holds: 'dashboard',
    lookingFor: `${dashboard} in the monitoring stacks of`,
    byResources: true,
    where: (f) => `${f.stackName} in ${f.region} (${f.stack.StackStatus ?? 'UNKNOWN'})`,
    step: (f, remove, configured) =>
      configured
        ? `deploy ${f.stackName} alone, first (with this configuration its template has no dashboard, so the update deletes it): npx cdk deploy ${f.stackName}`
        : `delete ${f.stackName} once no member account in ${f.region} links to its sink (deploy ${organizationStackName(config.name)} from the StackSet's account first; a sink with links cannot be deleted): ${remove}`,
    saw: (where, allConfigured) =>
      `the organization's dashboard "${dashboard}" is held by ${where}, but the configuration now puts it in ${stackName}, in ${first}, the first of regions: deploying ${stackName} fails to create it as already existing${allConfigured ? ", unless the other stack's update happens to run first (no dependency orders the monitoring stacks)" : ''}`,
    fix: (steps, keep) =>
      `${steps}; then deploy the monitoring stacks${orKeep(keep, 'dashboard')}. ${global}`,
    details: { dashboard },
    deletes: false,
  });
}

/**
 * With `organization`, from the StackSet's account: the StackSet stack, `<name>-org`, lives in the first region, and
 * its StackSet is named after the canary. When the first region changes, `cdk deploy '<name>-org*'` creates a
 * second `<name>-org` stack there and with it a second StackSet (a StackSet's name is unique per region only), whose
 * stack instances create the canary a second time in every member account and region: its named resources (the
 * alarms `<name>-<region>-…`) already exist, the instances fail, and the operation with them, after rolling out.
 */
export function stackSetStackCheck(
  ctx: CheckContext,
  config: CanaryConfig,
  account: string,
): Promise<PreflightCheck> {
  const first = firstRegion(config);
  const stackName = organizationStackName(config.name);
  return placementCheck(ctx, config, account, {
    id: 'stackset-stack',
    kind: 'stackset',
    stackName,
    holds: 'StackSet',
    lookingFor: `${stackName} in`,
    byResources: false,
    where: (f) => `${f.region} (${f.stack.StackStatus ?? 'UNKNOWN'})`,
    step: (_f, remove) => remove,
    saw: (where) =>
      `${stackName} is deployed in ${where}, but the configuration now puts it in ${first}, the first of regions: cdk deploy would create a second StackSet ${stackSetName(config.name)} there, whose stack instances would make this canary's named resources a second time in every member account and region, and fail`,
    fix: (steps, keep) =>
      `${keep ? `${keep}, where the StackSet is` : 'keep each StackSet where it is'}; to move it, delete the old stack first (it deletes the StackSet and every member account's canary; the deploy then makes them again from ${first}): ${steps}`,
    details: {},
    deletes: true,
  });
}

const orKeep = (keep: string | null, what: string): string =>
  keep ? `; or ${keep}, where the ${what} is` : '';

async function placementCheck(
  ctx: CheckContext,
  config: CanaryConfig,
  account: string,
  spec: Placement,
): Promise<PreflightCheck> {
  const first = firstRegion(config);
  const place = { account, region: first };
  const { stackName } = spec;
  const { partition, lookups } = strayStackLookups(config, account, ctx.scanRegions);
  const candidates = lookups.filter((l) => l.kind === spec.kind);
  const cloudformation = (region: string) => ctx.clients.cloudformation(region);
  const scan = await scanStacks(
    candidates,
    (region, name) => stackByName((run) => call(ctx, run), cloudformation(region), name),
    config.name,
    spec.byResources
      ? (region, name) => stackResources((run) => call(ctx, run), cloudformation(region), name)
      : undefined,
  );
  // A stack that holds nothing is not in the way; a monitoring stack is, when its resources say so.
  const empty = spec.byResources
    ? []
    : scan.found.filter((f) => HOLDS_NOTHING.has(f.stack.StackStatus ?? ''));
  const holding = scan.found.filter((f) => (spec.byResources ? f.holdsDashboard : !empty.includes(f)));
  const configured = new Set(config.regions.map((r) => r.region));
  const notes = [
    ...empty.map(
      (f) =>
        `${stackName} in ${f.region} (${f.stack.StackStatus}) holds no ${spec.holds}, so it does not stop the deploy (status lists it to delete)`,
    ),
    ...scanNotes(scan, config.name),
  ];
  const details = {
    stackName,
    ...spec.details,
    partition,
    looked: candidates.map((l) => l.region),
    found: scan.found.map((f) => ({
      region: f.region,
      stackStatus: f.stack.StackStatus ?? null,
      ...(spec.byResources ? { stackName: f.stackName, holdsDashboard: f.holdsDashboard ?? null } : {}),
    })),
    notEnabled: [...scan.notEnabled],
    closedByPolicy: [...scan.closedByPolicy],
    denied: [...scan.denied.keys()],
    unanswered: [...scan.unanswered.keys()],
    ...(spec.byResources ? { resourcesUnread: [...scan.resourcesUnread.keys()] } : {}),
    foreign: scan.foreign,
  };
  const withNotes = (saw: string) => [saw, ...notes].join('; ');
  if (holding.length > 0) {
    const steps = holding.map((f) => {
      const status = f.stack.StackStatus ?? '';
      if (status === 'DELETE_IN_PROGRESS')
        return `wait for its delete to finish: aws cloudformation wait stack-delete-complete --stack-name ${f.stackName} --region ${f.region}`;
      const remove = `${deleteStackCommand(f.stackName, f.region)}${deleteFailedNote(status, f.stackName, f.region)}`;
      return spec.step(f, remove, configured.has(f.region));
    });
    const [only] = holding;
    const keep =
      holding.length === 1 && only
        ? configured.has(only.region)
          ? `put ${only.region} first in regions`
          : `add ${only.region} back to regions, first`
        : null;
    return check(
      spec.id,
      place,
      'fail',
      withNotes(
        spec.saw(
          holding.map((f) => spec.where(f)).join(' and '),
          holding.every((f) => configured.has(f.region)),
        ),
      ),
      spec.fix(steps.join('; '), keep),
      spec.deletes
        ? { ...details, delete: holding.map((f) => deleteStackCommand(f.stackName, f.region)) }
        : details,
    );
  }
  const unread = scan.denied.size + scan.unanswered.size + scan.resourcesUnread.size;
  const looked = `looked for ${spec.lookingFor} the ${candidates.length} regions of the ${partition} partition but ${first}, where the configuration puts it: ${
    unread ? 'none found where it could look' : 'none'
  }`;
  if (!unread) return check(spec.id, place, 'pass', withNotes(looked), null, details);
  const [denied] = scan.denied.keys();
  const [resourcesUnread] = scan.resourcesUnread.keys();
  const lookupIn = (region: string) => candidates.find((l) => l.region === region)?.stackName ?? stackName;
  return check(
    spec.id,
    place,
    'warn',
    withNotes(looked),
    [
      ...(denied
        ? [
            `let the deployer call cloudformation:DescribeStacks in every region (${READ_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stacks --stack-name ${lookupIn(denied)} --region ${denied}`,
          ]
        : []),
      ...(resourcesUnread
        ? [
            `let the deployer call cloudformation:DescribeStackResources (${READ_PERMISSIONS_LINK}), or look by hand: aws cloudformation describe-stack-resources --stack-name ${lookupIn(resourcesUnread)} --region ${resourcesUnread}`,
          ]
        : []),
      ...(scan.unanswered.size
        ? ["check the path to those regions' CloudFormation endpoints and run preflight again"]
        : []),
    ].join('; '),
    details,
  );
}

/**
 * `ecr-pull-canary inventory`: the images-in-use inventory from a host, read-only, with the same engine and
 * verdicts as the scheduled function (lambda/engine/inventory/run.ts). Loaded lazily by the command table.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { createInventoryClients } from '../../engine/inventory/clients.ts';
import { type InventoryReport, runInventory } from '../../engine/inventory/run.ts';
import { INVENTORY_DEFAULTS, INVENTORY_LIMITS } from '../../engine/model/limits.ts';
import { isKnownRegion, knownRegionAllowed } from '../../engine/model/regions.ts';
import { redact } from '../../engine/probe/redact.ts';
import { CHECKS_EXIT, environmentSecrets, parseCommandOptions, UsageError } from '../doctor/check.ts';
import type { CliIo } from '../probe/cli.ts';
import { dueSdkNodeNotice, SDK_NODE_WARNING_OPT_OUT } from '../sdk-node-notice.ts';
import { formatInventory } from './format.ts';

export const INVENTORY_SYNOPSIS = 'Usage: ecr-pull-canary inventory [--region R] [--horizon-days N] [--json]';

export const INVENTORY_USAGE = `${INVENTORY_SYNOPSIS}

Lists the ECR images this region's workloads run (ECS services with a desired count above zero and their running
tasks, standalone ECS tasks, Lambda functions of package type Image) and checks that each stays pullable: the tag
or digest exists, it is not archived or being restored, the repository's lifecycle policy (evaluated locally by
ECR's documented rules) does not expire or archive it within the horizon, and another account's repository policy
lets the workload's pulling principal pull. Also notes a tag that now names another image than the tasks run.
Read-only; the same checks and verdicts as the deployed inventory function. Permissions: docs/inventory.md.

Options:
  --region R          the region to inventory (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile's)
  --horizon-days N    a lifecycle action due within N days is a risk (default ${INVENTORY_DEFAULTS.horizonDays}, ${INVENTORY_LIMITS.horizonDays.min}-${INVENTORY_LIMITS.horizonDays.max})
  --json              print the whole report as one JSON object
  -h, --help          show this help

Exit status: 0 nothing at risk (images not checked, e.g. denied reads, are listed but exit 0), 1 an image in use
is at risk, 2 usage error.`;

interface InventoryArgs {
  region: string | undefined;
  horizonDays: number;
  json: boolean;
}

export function parseInventoryArgs(argv: string[]): InventoryArgs | 'help' {
  const values = parseCommandOptions(argv, {
    region: { type: 'string' },
    'horizon-days': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values === 'help') return 'help';
  if (values.region !== undefined && !isKnownRegion(values.region))
    throw new UsageError(`--region "${values.region}" is not a region: ${knownRegionAllowed(values.region)}`);
  let horizonDays: number = INVENTORY_DEFAULTS.horizonDays;
  if (values['horizon-days'] !== undefined) {
    const { min, max } = INVENTORY_LIMITS.horizonDays;
    horizonDays = Number(values['horizon-days']);
    if (!Number.isInteger(horizonDays) || horizonDays < min || horizonDays > max)
      throw new UsageError(
        `--horizon-days "${values['horizon-days']}" must be a whole number from ${min} to ${max}`,
      );
  }
  return { region: values.region, horizonDays, json: Boolean(values.json) };
}

/** Replaced by tests: the clock and where the clients send (a double's URL). */
export interface InventoryCommandDeps {
  now: () => number;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export async function runInventoryCommand(
  argv: string[],
  io: CliIo,
  deps: InventoryCommandDeps = { now: Date.now },
): Promise<number> {
  let args: InventoryArgs | 'help';
  try {
    args = parseInventoryArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`ecr-pull-canary inventory: ${error.message}\n${INVENTORY_SYNOPSIS}\n`);
      return CHECKS_EXIT.usage;
    }
    throw error;
  }
  if (args === 'help') {
    io.stdout(`${INVENTORY_USAGE}\n`);
    return CHECKS_EXIT.ok;
  }
  const notice = dueSdkNodeNotice(process.version, io.env);
  if (notice) io.stderr(notice);
  if (process.env[SDK_NODE_WARNING_OPT_OUT] !== 'true') process.env[SDK_NODE_WARNING_OPT_OUT] = 'true';
  const region = args.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? (await profileRegion());
  if (!region) {
    io.stderr(
      `ecr-pull-canary inventory: no region: give --region R or set AWS_REGION\n${INVENTORY_SYNOPSIS}\n`,
    );
    return CHECKS_EXIT.usage;
  }
  const clients = createInventoryClients({
    region,
    ...(deps.endpoint ? { endpoint: deps.endpoint } : {}),
    ...(deps.credentials ? { credentials: deps.credentials } : {}),
  });
  let report: InventoryReport;
  try {
    report = await runInventory(clients, {
      region,
      now: deps.now,
      horizonDays: args.horizonDays,
      deadline: deps.now() + INVENTORY_DEFAULTS.runBudgetSeconds * 1000,
    });
  } finally {
    clients.destroy();
  }
  const text = args.json ? `${JSON.stringify(report, null, 2)}\n` : formatInventory(report);
  io.stdout(redact(text, environmentSecrets(io.env)));
  return report.atRiskTotal > 0 ? CHECKS_EXIT.failed : CHECKS_EXIT.ok;
}

/** The region of the profile (~/.aws/config), as the SDK resolves it; undefined when there is none. */
async function profileRegion(): Promise<string | undefined> {
  const client = new ECSClient({});
  try {
    return await client.config.region();
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

/**
 * What preflight's placement checks cost: the shipped command (`npm run build`'s dist/cli.mjs, built here into a
 * temporary directory), in a fresh process per run, on a three-region configuration against the SigV4-verifying
 * loopback double, with the dashboard on and off (no check), alternating. One account: the dashboard check scans
 * every region of the partition but the first for the dashboard stack (one DescribeStacks by name each, concurrent
 * with the other checks). Organization, as the monitoring account: the same scan for the sink stacks, plus one
 * DescribeStackResources per sink stack found (the two configured regions but the first). On loopback every region
 * but the configured three answers "not enabled" at once, so the figure is the command's own cost of the scan (a
 * client per region, the signing, the answers); on AWS add the farthest region's round trip, under the deadline.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREFLIGHT_TIMEOUT_MS } from '../lambda/commands/preflight/check.ts';
import { monitoringStackName, STACK_TAG } from '../lambda/engine/model/deployment.ts';
import { buildCli } from '../scripts/build.ts';
import { emptyDeployment } from '../test/support/deployment-double.ts';
import { emptyAccount, type PreflightState, startPreflightDouble } from '../test/support/preflight-double.ts';
import { commandEnv, fmt, median, runCommand } from './fixtures.ts';

const ACCOUNT = '111122223333';
const KEYS = {
  accessKeyId: 'AKIABENCHPREFLIGHT01',
  secretAccessKey: 'bench-preflight-secret-00000000000000000000',
};
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const NAME = 'bench-canary';

/** The one-account configuration, and the organization's as seen from its monitoring account (ACCOUNT). */
const ONE_ACCOUNT = { name: NAME, account: ACCOUNT, regions: REGIONS };
const ORGANIZATION = {
  ...ONE_ACCOUNT,
  account: '999988887777',
  organization: {
    organizationId: 'o-a1b2c3d4e5',
    organizationalUnits: ['ou-ab12-prod0001'],
    monitoringAccount: ACCOUNT,
  },
};

/** The monitoring account as deployed: a sink stack per region, the first one holding the dashboard. */
function monitoringAccount(): PreflightState {
  const deployment = emptyDeployment();
  REGIONS.forEach((region, i) => {
    deployment.stacks.push({
      region,
      name: monitoringStackName(NAME, region),
      status: 'CREATE_COMPLETE',
      outputs: {},
      tags: { [STACK_TAG]: NAME },
      resources: [
        { logicalId: 'Sink', type: 'AWS::Oam::Sink', physicalId: `arn:aws:oam:${region}:${ACCOUNT}:sink/1` },
        ...(i === 0
          ? [
              {
                logicalId: 'Dashboard',
                type: 'AWS::CloudWatch::Dashboard',
                physicalId: `${NAME}-organization`,
              },
            ]
          : []),
      ],
    });
  });
  return { ...emptyAccount(ACCOUNT, REGIONS), deployment };
}

export async function benchPreflight(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-bench-preflight-'));
  try {
    const cli = await buildCli(join(dir, 'cli.mjs'));
    const lines: string[] = [];
    for (const [label, config] of [
      ["preflight's dashboard check, three regions", ONE_ACCOUNT],
      [
        "preflight's dashboard check with organization, as the monitoring account, three regions",
        ORGANIZATION,
      ],
    ] as const) {
      const on = join(dir, 'on.config.json');
      const off = join(dir, 'off.config.json');
      await writeFile(on, JSON.stringify({ ...config, dashboard: true }));
      await writeFile(off, JSON.stringify({ ...config, dashboard: false }));
      const double = await startPreflightDouble(KEYS, {
        ...(config === ORGANIZATION ? monitoringAccount() : emptyAccount(ACCOUNT, REGIONS)),
        bootstrap: Object.fromEntries(REGIONS.map((r) => [r, '30'])),
      });
      try {
        const env = commandEnv(KEYS, double.env());
        const withScan: number[] = [];
        const without: number[] = [];
        const codes = new Set<number>();
        let calls: string[] = [];
        for (let i = 0; i < runs; i += 1) {
          without.push((await runCommand([cli, 'preflight', '-c', `config=${off}`, '--json'], env)).wallMs);
          double.calls.length = 0;
          const result = await runCommand([cli, 'preflight', '-c', `config=${on}`, '--json'], env);
          withScan.push(result.wallMs);
          codes.add(result.code);
          calls = double.calls.filter((c) => c.startsWith('cloudformation:'));
        }
        const count = (op: string) => calls.filter((c) => c.startsWith(`cloudformation:${op}@`)).length;
        lines.push(
          `${label} (bench/preflight.ts; ${runs} fresh processes of the built command each way, alternating, against the loopback double)`,
          `  dashboard on: median ${fmt(median(withScan))}, max ${fmt(Math.max(...withScan))}; off (no check): median ${fmt(median(without))}; the scan adds ${fmt(median(withScan) - median(without))} here`,
          `  ${count('DescribeStacks')} DescribeStacks by name (every region of the partition but the first)${count('DescribeStackResources') ? ` and ${count('DescribeStackResources')} DescribeStackResources (the sink stacks found)` : ''}, concurrent with the other checks; exit status ${[...codes].join(', ')}; on AWS the farthest region's round trip, under the ${PREFLIGHT_TIMEOUT_MS / 1000} s deadline`,
        );
      } finally {
        await double.close();
      }
    }
    return lines;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchPreflight(Number(process.env.BENCH_RUNS ?? 10))).join('\n'));
}

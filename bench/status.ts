/**
 * Issue 24's target: on a deployment with a pending subscription, a disabled schedule and a probe that stopped
 * running (one of each in three regions), `ecr-pull-canary status` exits non-zero naming each, in under 10 s. The
 * shipped command (`npm run build`'s dist/cli.mjs, built here into a temporary directory) runs in a fresh process per
 * run, as a user starts it, against the SigV4-verifying loopback double of every service it reads; each AWS call
 * therefore costs loopback time, not an AWS round trip (about 20 to 100 ms in a region): the figure is the command's
 * own time, and its AWS round trips are counted beside it (three per region in sequence, the rest concurrent).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATUS_TIMEOUT_MS } from '../lambda/commands/status/check.ts';
import { strayStackLookups } from '../lambda/engine/aws/stack-scan.ts';
import { loadConfig } from '../lambda/engine/config/load.ts';
import { buildCli } from '../scripts/build.ts';
import { startPreflightDouble } from '../test/support/preflight-double.ts';
import { canaryWorld } from '../test/support/status-world.ts';
import { commandEnv, fmt, median, runCommand, verdict } from './fixtures.ts';

const TARGET_MS = 10_000;
const ACCOUNT = '111122223333';
const KEYS = {
  accessKeyId: 'AKIABENCHSTATUS00001',
  secretAccessKey: 'bench-status-secret-0000000000000000000000',
};

export async function benchStatus(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-bench-status-'));
  try {
    const cli = await buildCli(join(dir, 'cli.mjs'));
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const configPath = join(dir, 'bench.config.json');
    await writeFile(
      configPath,
      JSON.stringify({
        name: 'bench-canary',
        account: ACCOUNT,
        regions,
        targets: [{ name: 'api', image: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/api:stable` }],
        notifications: { emails: ['oncall@example.com'] },
        workloadWatch: { ecrApiCalls: true },
      }),
    );
    const config = loadConfig(configPath);
    const regionCount = strayStackLookups(config).regions.length - regions.length;
    const state = canaryWorld({
      config,
      account: ACCOUNT,
      now: new Date(),
      pager: 'https://events.example.com/integration/0123456789abcdef0123456789abcdef/enqueue',
    });
    // One problem per region: a pending subscription, a disabled schedule, a probe that stopped 40 minutes ago.
    state.topics[0]?.subscriptions.push({ protocol: 'email', endpoint: 'new@example.com', pending: true });
    const deployment = state.deployment;
    const disabled = deployment?.schedules.find((s) => s.region === 'us-east-1');
    if (disabled) disabled.state = 'DISABLED';
    for (const metric of deployment?.metrics ?? []) {
      if (metric.region === 'ap-southeast-2' && metric.name === 'Latency') {
        metric.points = [{ at: new Date(Date.now() - 40 * 60_000), value: 300 }];
      }
    }
    const double = await startPreflightDouble(KEYS, state);
    try {
      const env = commandEnv(KEYS, double.env());
      const times: number[] = [];
      const unscanned: number[] = [];
      let named = true;
      let exitCodes = new Set<number>();
      let calls = 0;
      let scanCalls = 0;
      for (let i = 0; i < runs; i += 1) {
        // The same command without the leftover scan, alternating, for what the scan adds.
        double.calls.length = 0;
        unscanned.push(
          (await runCommand([cli, 'status', '-c', `config=${configPath}`, '--json', '--no-scan'], env))
            .wallMs,
        );
        scanCalls = -double.calls.length;
        double.calls.length = 0;
        const result = await runCommand([cli, 'status', '-c', `config=${configPath}`, '--json'], env);
        times.push(result.wallMs);
        calls = double.calls.length;
        scanCalls += calls;
        exitCodes = new Set([...exitCodes, result.code]);
        const report = JSON.parse(result.stdout) as {
          checks: Array<{ id: string; status: string; where?: string }>;
        };
        const failed = report.checks.filter((c) => c.status === 'fail').map((c) => `${c.id} ${c.where}`);
        named &&=
          failed.includes(`subscription ${ACCOUNT}/eu-west-1`) &&
          failed.includes(`schedule ${ACCOUNT}/us-east-1`) &&
          failed.includes(`runs ${ACCOUNT}/ap-southeast-2`);
      }
      const worst = Math.max(...times);
      return [
        `status, three regions, a pending subscription, a disabled schedule, a stopped probe (bench/status.ts; ${runs} fresh processes of the built command against the loopback double)`,
        `  wall time: median ${fmt(median(times))}, max ${fmt(worst)}  target < ${TARGET_MS / 1000} s  ${verdict(worst < TARGET_MS && named && exitCodes.size === 1 && exitCodes.has(1))}`,
        `  exit status ${[...exitCodes].join(', ')}; names each problem: ${named ? 'yes' : 'NO'}; ${calls} AWS calls per run, 3 in sequence per region (5 with an encrypted topic: its attributes, key, key policy)`,
        `  the leftover scan: ${scanCalls} DescribeStacks by name (the canary stack in ${regionCount} other regions, the dashboard stack in ${scanCalls - regionCount}), concurrent with the rest; --no-scan median ${fmt(median(unscanned))}, so the scan adds ${fmt(median(times) - median(unscanned))} here (every region but the three answers "not enabled" at once on loopback; on AWS the farthest region's round trip, under the ${STATUS_TIMEOUT_MS / 1000} s deadline)`,
      ];
    } finally {
      await double.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchStatus(Number(process.env.BENCH_RUNS ?? 10))).join('\n'));
}

/**
 * What preflight's dashboard check costs: the shipped command (`npm run build`'s dist/cli.mjs, built here into a
 * temporary directory), in a fresh process per run, on a three-region configuration against the SigV4-verifying
 * loopback double, with the dashboard on (the check scans every region of the partition but the first for the
 * dashboard stack: one DescribeStacks by name each, concurrent with the other checks) and off (no check),
 * alternating. On loopback every region but the configured three answers "not enabled" at once, so the figure is
 * the command's own cost of the scan (a client per region, the signing, the answers); on AWS add the farthest
 * region's round trip, under the per-call deadline.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PREFLIGHT_TIMEOUT_MS } from '../lambda/commands/preflight/check.ts';
import { buildCli } from '../scripts/build.ts';
import { emptyAccount, startPreflightDouble } from '../test/support/preflight-double.ts';
import { commandEnv, fmt, median, runCommand } from './fixtures.ts';

const ACCOUNT = '111122223333';
const KEYS = {
  accessKeyId: 'AKIABENCHPREFLIGHT01',
  secretAccessKey: 'bench-preflight-secret-00000000000000000000',
};

export async function benchPreflight(runs: number): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'canary-bench-preflight-'));
  try {
    const cli = await buildCli(join(dir, 'cli.mjs'));
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const config = (dashboard: boolean) => ({ name: 'bench-canary', account: ACCOUNT, regions, dashboard });
    const on = join(dir, 'on.config.json');
    const off = join(dir, 'off.config.json');
    await writeFile(on, JSON.stringify(config(true)));
    await writeFile(off, JSON.stringify(config(false)));
    const double = await startPreflightDouble(KEYS, {
      ...emptyAccount(ACCOUNT, regions),
      bootstrap: Object.fromEntries(regions.map((r) => [r, '30'])),
    });
    try {
      const env = commandEnv(KEYS, double.env());
      const withScan: number[] = [];
      const without: number[] = [];
      const codes = new Set<number>();
      let scanCalls = 0;
      for (let i = 0; i < runs; i += 1) {
        without.push((await runCommand([cli, 'preflight', '-c', `config=${off}`, '--json'], env)).wallMs);
        double.calls.length = 0;
        const result = await runCommand([cli, 'preflight', '-c', `config=${on}`, '--json'], env);
        withScan.push(result.wallMs);
        codes.add(result.code);
        scanCalls = double.calls.filter((c) => c.startsWith('cloudformation:DescribeStacks@')).length;
      }
      return [
        `preflight's dashboard check, three regions (bench/preflight.ts; ${runs} fresh processes of the built command each way, alternating, against the loopback double)`,
        `  dashboard on: median ${fmt(median(withScan))}, max ${fmt(Math.max(...withScan))}; off (no check): median ${fmt(median(without))}; the scan adds ${fmt(median(withScan) - median(without))} here`,
        `  ${scanCalls} DescribeStacks by name (every region of the partition but the first), concurrent with the other checks; exit status ${[...codes].join(', ')}; on AWS the farthest region's round trip, under the ${PREFLIGHT_TIMEOUT_MS / 1000} s deadline`,
      ];
    } finally {
      await double.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchPreflight(Number(process.env.BENCH_RUNS ?? 10))).join('\n'));
}

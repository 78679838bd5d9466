/**
 * `npm run bench`: prints every figure the issues set a target for, from one run, with the command that
 * produced it. A missed target is printed as MISS; nothing here is tuned to pass.
 */
import { SDK_NODE_WARNING_OPT_OUT } from '../lambda/commands/sdk-node-notice.ts';
import { leftoverMessage, startRunTmp } from '../scripts/run-tmp.ts';
import { benchBundle } from './bundle.ts';
import { benchCliBundle } from './cli-bundle.ts';
import { benchCliVsAwsCli } from './cli-vs-awscli.ts';
import { benchCost } from './cost.ts';
import { benchExplain } from './explain.ts';
import { startBenchWorld } from './fixtures.ts';
import { benchInventory } from './inventory.ts';
import { benchPreflight } from './preflight.ts';
import { benchProbeOverhead } from './probe-overhead.ts';
import { benchStatus } from './status.ts';
import { benchTargets } from './targets.ts';

// The benchmark's own in-process SDK clients would print the SDK's Node.js support warning on this process's
// stderr. The command under test is started with an environment of its own, without this, and its stderr is checked.
process.env[SDK_NODE_WARNING_OPT_OUT] ??= 'true';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);

// The registry, the bundles and `npm run cost` make their temporary files under one directory, removed at the end.
const runTmp = startRunTmp('ecr-pull-canary-bench-');
const lines: string[] = [
  `ecr-pull-canary benchmarks  (npm run bench; node ${process.version}, ${RUNS} runs each)`,
  '',
];
try {
  const world = await startBenchWorld();
  try {
    lines.push(...(await benchProbeOverhead(world, RUNS)), '');
    lines.push(...(await benchTargets(world, Math.min(RUNS, 10))), '');
    lines.push(...(await benchCliVsAwsCli(world, Math.min(RUNS, 10))), '');
  } finally {
    await world.close();
  }
  lines.push(...(await benchBundle(RUNS)), '');
  lines.push(...(await benchCliBundle(RUNS)), '');
  lines.push(...(await benchStatus(Math.min(RUNS, 10))), '');
  lines.push(...(await benchPreflight(Math.min(RUNS, 10))), '');
  lines.push(...(await benchCost()), '');
  lines.push(...benchExplain(RUNS), '');
  lines.push(...(await benchInventory()), '');
} finally {
  const left = runTmp.finish();
  if (left.length > 0) {
    lines.push(leftoverMessage('npm run bench', runTmp.dir, left));
    process.exitCode = 1;
  }
}
console.log(lines.join('\n'));

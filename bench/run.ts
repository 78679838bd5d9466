/**
 * `npm run bench`: prints every figure the issues set a target for, from one run, with the command that
 * produced it. A missed target is printed as MISS; nothing here is tuned to pass.
 */
import { benchBundle } from './bundle.ts';
import { benchCliVsAwsCli } from './cli-vs-awscli.ts';
import { benchCost } from './cost.ts';
import { benchExplain } from './explain.ts';
import { startBenchWorld } from './fixtures.ts';
import { benchProbeOverhead } from './probe-overhead.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);

const world = await startBenchWorld();
const lines: string[] = [
  `ecr-pull-canary benchmarks  (npm run bench; node ${process.version}, ${RUNS} runs each)`,
  '',
];
try {
  lines.push(...(await benchProbeOverhead(world, RUNS)), '');
  lines.push(...(await benchCliVsAwsCli(world, Math.min(RUNS, 10))), '');
} finally {
  await world.close();
}
lines.push(...(await benchBundle(RUNS)), '');
lines.push(...(await benchCost()), '');
lines.push(...benchExplain(RUNS), '');
console.log(lines.join('\n'));

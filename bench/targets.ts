/**
 * A region at the target limit (issue 22): one run of the probe over LIMITS.targetsPerRegion targets against the
 * real registry (CNCF Distribution behind the fault proxy in pass-through) and the ECR/STS double, as the function
 * runs them: all concurrently, one token per region and identity. Half the targets are pulled as the workload
 * role (AssumeRole), half with the canary's own credentials. Reports the wall time of a run, the requests each run
 * sends, and the token requests per identity; the target is a run that ends within the function's time for the
 * probes at the shortest schedule, and exactly one token request per identity.
 */
import { defaultTimeoutSeconds, LIMITS, RUN_BUDGET_MS } from '../lambda/engine/model/limits.ts';
import { resolveTarget } from '../lambda/engine/model/target.ts';
import { createAwsClientFactory } from '../lambda/engine/probe/aws-clients.ts';
import { probeTargets } from '../lambda/engine/probe/probe.ts';
import { REGION, WORKLOAD_ROLE } from '../test/support/probe-env.ts';
import { type BenchWorld, fmt, median } from './fixtures.ts';

/** What a run may take: the function's default timeout at a one-minute schedule, less the outputs' reserve. */
export const TARGETS_RUN_BUDGET_MS =
  defaultTimeoutSeconds(LIMITS.scheduleMinutes.min) * 1000 - RUN_BUDGET_MS.outputReserve;

/**
 * Lambda gives a function CPU in proportion to its memory: "At 1,769 MB, a function has the equivalent of one vCPU"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). The canary's default memory buys
 * this share of one, so a run's CPU time here, divided by it, is what the run would take there if CPU bound.
 */
const LAMBDA_MB_PER_VCPU = 1769;
const DEFAULT_VCPU_SHARE = LIMITS.memoryMiB.default / LAMBDA_MB_PER_VCPU;

export async function benchTargets(world: BenchWorld, runs: number): Promise<string[]> {
  const { probeEnv, context, image } = world;
  const count = LIMITS.targetsPerRegion;
  const identities = 2;
  const targets = Array.from({ length: count }, (_, i) =>
    resolveTarget(
      {
        name: `target-${i}`,
        image: `${image.repository}:${image.tag}`,
        registryUrl: probeEnv.proxy.url,
        platforms: ['linux/arm64'],
        ...(i % 2 === 1 ? { assumeRoleArn: WORKLOAD_ROLE } : {}),
      },
      REGION,
    ),
  );
  const times: number[] = [];
  const registryRequests: number[] = [];
  const awsCalls: Array<Record<string, number>> = [];
  const failures: number[] = [];
  const cpuMs: number[] = [];
  const rssGrowthMb: number[] = [];
  let firstFailure: string | undefined;
  // A fresh client factory per run, as a cold function has: no credentials or token carried over.
  const runOnce = async () => {
    probeEnv.double.reset();
    probeEnv.proxy.requests.length = 0;
    // CPU and memory of this process during the run: the probe's, and the in-process fault proxy's and AWS
    // double's beside it (the registry is its own process), so both are upper bounds for the probe alone.
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 5);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await probeTargets(
      targets,
      { defaultRegion: REGION, ca: context.caPem },
      { clients: createAwsClientFactory(), now: Date.now },
    );
    times.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    rssGrowthMb.push((Math.max(rssPeak, process.memoryUsage().rss) - rssBefore) / 2 ** 20);
    // A failed probe is a verdict the canary would report (a false one here: the registry is healthy), so it is
    // counted and misses the target, never hidden.
    const failed = results.filter((result) => !result.ok);
    failures.push(failed.length);
    if (failed[0]) firstFailure ??= failed[0].message ?? 'no message';
    registryRequests.push(probeEnv.proxy.requests.length);
    const calls: Record<string, number> = {};
    for (const call of probeEnv.double.calls) calls[call.operation] = (calls[call.operation] ?? 0) + 1;
    awsCalls.push(calls);
  };
  await runOnce(); // warm the JIT and the SDK's lazy loading, as a warm function is
  times.length = 0;
  cpuMs.length = 0;
  rssGrowthMb.length = 0;
  failures.length = 0;
  firstFailure = undefined;
  registryRequests.length = 0;
  awsCalls.length = 0;
  for (let i = 0; i < runs; i += 1) await runOnce();

  const tokens = Math.max(...awsCalls.map((calls) => calls.GetAuthorizationToken ?? 0));
  const assumes = Math.max(...awsCalls.map((calls) => calls.AssumeRole ?? 0));
  const last = awsCalls.at(-1) ?? {};
  const wall = median(times);
  const failedProbes = failures.reduce((sum, n) => sum + n, 0);
  const cpu = median(cpuMs);
  const atDefaultMemory = cpu / DEFAULT_VCPU_SHARE;
  const pass =
    wall <= TARGETS_RUN_BUDGET_MS &&
    atDefaultMemory <= TARGETS_RUN_BUDGET_MS &&
    tokens === identities &&
    failedProbes === 0;
  return [
    `${count} targets in one run (${runs} runs, loopback registry, ${identities} identities: own credentials and one assumed role):`,
    `  wall time of a run   median ${fmt(wall)}, slowest ${fmt(Math.max(...times))}  target <= ${fmt(TARGETS_RUN_BUDGET_MS)} (1-minute schedule's timeout less the outputs' reserve)`,
    `  CPU time of a run    median ${fmt(cpu)} (this process: the probe, and the fault proxy and AWS double beside it)`,
    `  at ${LIMITS.memoryMiB.default} MB in Lambda  about ${fmt(atDefaultMemory)} if CPU bound (${(DEFAULT_VCPU_SHARE * 100).toFixed(1)}% of a vCPU at ${LIMITS.memoryMiB.default} of the ${LAMBDA_MB_PER_VCPU} MB that buy one)  target <= ${fmt(TARGETS_RUN_BUDGET_MS)}`,
    `  memory               peak RSS ${median(rssGrowthMb).toFixed(1)} MB over the run's start (median), of ${LIMITS.memoryMiB.default} MB`,
    `  registry requests    ${median(registryRequests)} per run (${(median(registryRequests) / count).toFixed(1)} per target: manifest, platform manifest, ranged blob, and redirects)`,
    `  AWS calls per run    ${Object.entries(last)
      .map(([operation, n]) => `${operation} ${n}`)
      .join(', ')}`,
    `  token requests       ${tokens} per run for ${identities} identities (AssumeRole ${assumes})  target: one per registry and identity`,
    `  failed probes        ${failedProbes} of ${count * runs} against a healthy registry${firstFailure ? ` (first: ${firstFailure})` : ''}  target: 0`,
    `  ${pass ? 'PASS' : 'MISS'}`,
  ];
}

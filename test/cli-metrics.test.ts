import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { EXIT_METRICS_NOT_PUBLISHED, EXIT_USAGE, runCli } from '../lambda/commands/probe/cli.ts';
import { DIMENSION, METRIC } from '../lambda/engine/model/contract.ts';
import type { ProbeResult } from '../lambda/engine/model/types.ts';
import { runDatapoints } from '../lambda/engine/outputs/datapoints.ts';
import { toEmfLines } from '../lambda/engine/outputs/emf.ts';
import { type CloudWatchDouble, startCloudWatchDouble } from './support/cloudwatch-double.ts';
import { applyEnv, type ProbeEnvironment, secretForms, startProbeEnvironment } from './support/probe-env.ts';

/**
 * Issue 11, item 3: `probe --emit emf` prints, and `--publish` sends, the datapoints the Lambda publishes for the
 * same verdict (runDatapoints), so host runs feed the canary's namespace and alarms. In process, against the ECR
 * double, the real registry behind the fault proxy and the CloudWatch double (AWS_ENDPOINT_URL_CLOUDWATCH).
 */

const registry = inject('registry');
const { multiArch } = registry.images;
const image = `${multiArch.repository}:${multiArch.tag}`;
let world: ProbeEnvironment;
let cloudwatch: CloudWatchDouble;
let restoreEnv: () => void;

beforeAll(async () => {
  [world, cloudwatch] = await Promise.all([startProbeEnvironment(registry), startCloudWatchDouble()]);
  restoreEnv = applyEnv({
    ...world.env,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
  });
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([world.close(), cloudwatch.close()]);
});
beforeEach(() => {
  world.double.reset();
  world.proxy.setFault(null);
  cloudwatch.setFault(null);
  cloudwatch.putMetricDataCalls.length = 0;
  cloudwatch.requests.length = 0;
});

async function probe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    [image, '--registry-url', world.proxy.url, '--ca-file', registry.caPath, ...args],
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      env: process.env,
    },
  );
  for (const secret of secretForms(registry.password)) expect(stdout + stderr).not.toContain(secret);
  return { code, stdout, stderr };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('probe --emit emf', () => {
  it("prints the Lambda's datapoints for a healthy verdict as EMF lines, and the report on stderr", async () => {
    const run = await probe(['--emit', 'emf', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stderr) as ProbeResult;
    expect(result).toMatchObject({ ok: true, target: image });
    // The same lines the Lambda would write for this verdict, stamped with the probe's start.
    expect(lines(run.stdout)).toEqual(
      toEmfLines(runDatapoints([result]), 'EcrPullCanary', Date.parse(result.startedAt)),
    );
    const emf = JSON.parse(lines(run.stdout)[0] as string);
    expect(emf).toMatchObject({ [DIMENSION.target]: image, [METRIC.latency]: result.latencyMs });
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('EcrPullCanary');
    expect(cloudwatch.requests).toEqual([]);
  });

  it('carries the failure datapoints of a failed verdict, in the namespace and under the target name given', async () => {
    world.proxy.setFault({ kind: 'expired-token' });
    const run = await probe([
      '--emit',
      'emf',
      '--namespace',
      'Fleet/Pulls',
      '--target-name',
      'api',
      '--json',
    ]);
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stderr) as ProbeResult;
    expect(result).toMatchObject({ ok: false, category: 'auth', target: 'api' });
    expect(lines(run.stdout)).toEqual(
      toEmfLines(runDatapoints([result]), 'Fleet/Pulls', Date.parse(result.startedAt)),
    );
    expect(run.stdout).toContain(`"${DIMENSION.category}":"auth"`);
  });
});

describe('probe --publish', () => {
  it('sends the same datapoints with one PutMetricData call to the image region', async () => {
    const run = await probe(['--publish', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expect(cloudwatch.putMetricDataCalls).toHaveLength(1);
    const [call] = cloudwatch.putMetricDataCalls;
    expect(call?.namespace).toBe('EcrPullCanary');
    expect(
      call?.metricData.map((d) => ({
        name: d.metricName,
        dimensions: Object.fromEntries(d.dimensions.map((x) => [x.name, x.value])),
        value: d.value,
        unit: d.unit,
      })),
    ).toEqual(runDatapoints([result]));
    expect(call?.metricData[0]?.timestamp?.toISOString()).toBe(result.startedAt);
    expect(cloudwatch.requests[0]?.credential?.region).toBe(result.region);
    expect(run.stderr).toBe('');
  });

  it('exits 3 and says so when PutMetricData fails for a healthy probe; stdout stays the report', async () => {
    cloudwatch.setFault({ kind: 'access-denied' });
    const run = await probe(['--publish', '--json']);
    expect(run.code).toBe(EXIT_METRICS_NOT_PUBLISHED);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(run.stderr).toMatch(
      /--publish: PutMetricData to eu-west-1 failed, \d+ datapoint\(s\) not sent: AccessDenied/,
    );
  });

  it.each([
    [['--emit', 'csv'], '--emit "csv" is not a metrics format; allowed: emf'],
    [['--namespace', 'Fleet'], '--namespace applies only with --emit emf or --publish'],
    [['--publish', '--namespace', 'AWS/ECR'], '--namespace "AWS/ECR" is not allowed'],
    [['--target-name', 'has space'], '--target-name "has space" is not allowed'],
  ])('exits 2 for %j before any call', async (args, message) => {
    const run = await probe(args);
    expect(run.code).toBe(EXIT_USAGE);
    expect(run.stderr).toContain(message);
    expect(world.double.calls).toEqual([]);
    expect(cloudwatch.requests).toEqual([]);
  });
});

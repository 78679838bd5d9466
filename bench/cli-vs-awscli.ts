/**
 * The probe CLI end to end (its built single-file entry started by plain `node`) next to what people run by
 * hand: `aws ecr get-login-password | curl` against the same ECR double and registry.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MANIFEST_MEDIA_TYPES } from '../lambda/probe/manifest.ts';
import { buildCli } from '../scripts/build.ts';
import { REGION } from '../test/support/probe-env.ts';
import { type BenchWorld, fmt, median, verdict } from './fixtures.ts';

export const CLI_SPEEDUP_TARGET = 3;
const AWS_CLI = '/usr/bin/aws';

export async function benchCliVsAwsCli(world: BenchWorld, runs: number): Promise<string[]> {
  const cli = await buildCli(fileURLToPath(new URL('../dist/cli.mjs', import.meta.url)));
  const { probeEnv, context, image } = world;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...probeEnv.env,
    NODE_EXTRA_CA_CERTS: context.caPath,
  };
  const manifestUrl = `${probeEnv.proxy.url}/v2/${image.repository}/manifests/${image.tag}`;
  const ours = [cli, `${image.repository}:${image.tag}`, '--registry-url', probeEnv.proxy.url, '--json'];
  // The password goes to curl on stdin as a config line, never on a command line.
  const theirs = [
    '-c',
    `set -o pipefail; ${AWS_CLI} ecr get-login-password --region ${REGION} --endpoint-url ${probeEnv.double.url} ` +
      `| sed 's/^/user = "AWS:/; s/$/"/' ` +
      `| curl -sSf -K - --cacert ${context.caPath} -H 'Accept: ${MANIFEST_MEDIA_TYPES.join(', ')}' -o /dev/null ${manifestUrl}`,
  ];
  const lines = [`CLI end to end (${runs} runs each, interleaved):`];
  try {
    await access(AWS_CLI);
  } catch {
    return [...lines, `  skipped: ${AWS_CLI} not found (apt-get install awscli)`];
  }
  const oursTimes: number[] = [];
  const theirsTimes: number[] = [];
  await run(process.execPath, ours, env);
  await run('bash', theirs, env);
  for (let i = 0; i < runs; i += 1) {
    oursTimes.push(await run(process.execPath, ours, env));
    theirsTimes.push(await run('bash', theirs, env));
  }
  const speedup = median(theirsTimes) / median(oursTimes);
  return [
    ...lines,
    `  node dist/cli.mjs IMAGE --json                      median ${fmt(median(oursTimes))}`,
    `  aws ecr get-login-password | curl (awscli 2.9)     median ${fmt(median(theirsTimes))}`,
    `  speed-up ${speedup.toFixed(1)}x  target >= ${CLI_SPEEDUP_TARGET}x  ${verdict(speedup >= CLI_SPEEDUP_TARGET)}`,
  ];
}

function run(command: string, args: string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${stderr.slice(0, 300)}`));
      else resolve(performance.now() - started);
    });
  });
}

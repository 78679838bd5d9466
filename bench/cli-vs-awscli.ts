/**
 * The probe CLI end to end, as a user has it: the `ecr-pull-canary` command installed from the packed tarball
 * into an empty prefix (scripts/pack-install.ts), next to what people run by hand: `aws ecr get-login-password |
 * curl` against the same ECR double and registry, curl making the three requests of a minimal pull check: the
 * token, the manifest and one ranged blob GET (the layer the command reads). Neither gets the SDK's opt-out
 * variable: the command's stderr is checked for the SDK's Node.js support warning.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { sdkNodeNotice } from '../lambda/commands/sdk-node-notice.ts';
import { MANIFEST_MEDIA_TYPES } from '../lambda/engine/probe/manifest.ts';
import { packAndInstall } from '../scripts/pack-install.ts';
import { REGION } from '../test/support/probe-env.ts';
import { type BenchWorld, fmt, median, seededLayerDigest, verdict } from './fixtures.ts';

export const CLI_SPEEDUP_TARGET = 3;

interface AwsCli {
  path: string;
  /** What `aws --version` printed first, e.g. aws-cli/2.9.19. */
  version: string;
}

/**
 * The `aws` a shell would run: the first executable on PATH (Debian's /usr/bin/aws, a pyenv shim, a pip
 * install in ~/.local/bin) that answers `aws --version`. A shim whose interpreter is gone does not count.
 */
export async function findAwsCli(env: Record<string, string>): Promise<AwsCli | { reason: string }> {
  const failures: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, 'aws');
    try {
      await access(path, constants.X_OK);
    } catch {
      continue;
    }
    const answer = await new Promise<{ error: Error | null; output: string }>((resolve) => {
      execFile(path, ['--version'], { env, timeout: 30_000 }, (error, stdout, stderr) =>
        resolve({ error, output: `${stdout}${stderr}`.trim() }),
      );
    });
    if (!answer.error && answer.output !== '') {
      return { path, version: answer.output.split(/\s+/)[0] as string };
    }
    failures.push(
      `${path}: ${answer.output.split('\n')[0] || answer.error?.message || 'no version printed'}`,
    );
  }
  return {
    reason: failures.length
      ? `no working aws on PATH (${failures.join('; ')})`
      : 'no aws on PATH (apt-get install awscli, or pip install awscli)',
  };
}

export async function benchCliVsAwsCli(world: BenchWorld, runs: number): Promise<string[]> {
  const { probeEnv, context } = world;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...probeEnv.env,
    NODE_EXTRA_CA_CERTS: context.caPath,
  };
  const lines = [`CLI end to end (${runs} runs each, interleaved):`];
  const aws = await findAwsCli(env);
  if ('reason' in aws) return [...lines, `  skipped: ${aws.reason}`];
  const work = await mkdtemp(join(tmpdir(), 'bench-package-'));
  try {
    const { command, packed } = await packAndInstall(work);
    lines.push(
      `  installed ${packed.filename} (${(packed.size / 1024).toFixed(0)} KiB) into an empty prefix`,
    );
    // The command's once-a-day notice stamp goes to this run's directory, not the user's cache.
    return [...lines, ...(await compare(command, aws, world, { ...env, XDG_CACHE_HOME: work }, runs))];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What the SDK prints on an old Node.js when nothing opts out (@aws-sdk/core's NodeVersionSupportWarning). */
const SDK_WARNING = /NodeVersionSupportWarning|AWS SDK for JavaScript/;

async function compare(
  command: string,
  aws: AwsCli,
  world: BenchWorld,
  env: Record<string, string>,
  runs: number,
): Promise<string[]> {
  const { probeEnv, context, image } = world;
  const manifestUrl = `${probeEnv.proxy.url}/v2/${image.repository}/manifests/${image.tag}`;
  // Without --platform the CLI reads a layer of the index's first entry (linux/amd64).
  const blobUrl = `${probeEnv.proxy.url}/v2/${image.repository}/blobs/${seededLayerDigest('amd64')}`;
  const ours = ['probe', `${image.repository}:${image.tag}`, '--registry-url', probeEnv.proxy.url, '--json'];
  // The password goes to curl on stdin as config lines, never on a command line: one transfer for the manifest,
  // then (`next`) one for the first byte of the blob, each with the credential, CA and --fail of its own.
  const transfer = (extra: string, url: string) =>
    `user = "AWS:&"\\ncacert = "${context.caPath}"\\nfail\\n${extra}url = "${url}"\\noutput = "/dev/null"`;
  const config = [
    transfer(`header = "Accept: ${MANIFEST_MEDIA_TYPES.join(', ')}"\\n`, manifestUrl),
    transfer('range = "0-0"\\n', blobUrl),
  ].join('\\nnext\\n');
  const theirs = [
    '-c',
    `set -o pipefail; '${aws.path}' ecr get-login-password --region ${REGION} --endpoint-url ${probeEnv.double.url} ` +
      `| sed 's|.*|${config}|' | curl -sS -K -`,
  ];
  const oursTimes: number[] = [];
  const theirsTimes: number[] = [];
  const stderr = new Set<string>();
  await run(command, ours, env, stderr);
  await run('bash', theirs, env);
  for (let i = 0; i < runs; i += 1) {
    oursTimes.push(await run(command, ours, env, stderr));
    theirsTimes.push(await run('bash', theirs, env));
  }
  const speedup = median(theirsTimes) / median(oursTimes);
  const theirsLabel = `aws ecr get-login-password | curl (${aws.version}, ${aws.path})`;
  const width = Math.max(theirsLabel.length, 30) + 2;
  const printed = [...stderr].filter((text) => text !== '');
  const sdkWarning = printed.some((text) => SDK_WARNING.test(text));
  // The command's own one-line notice below Node.js 22 is designed output, not the SDK's warning block: it is
  // shown on a line of its own, never inside a PASS line; anything else on stderr is a miss.
  const notice = sdkNodeNotice(process.version, env);
  const other = printed.filter((text) => text !== notice);
  return [
    `  ${'ecr-pull-canary probe IMAGE --json'.padEnd(width)}median ${fmt(median(oursTimes))}`,
    `  ${theirsLabel.padEnd(width)}median ${fmt(median(theirsTimes))}`,
    `  speed-up ${speedup.toFixed(1)}x  target >= ${CLI_SPEEDUP_TARGET}x  ${verdict(speedup >= CLI_SPEEDUP_TARGET)}`,
    `  the SDK's warning block on the command's stderr: ${sdkWarning ? 'yes' : 'none'}  ${verdict(!sdkWarning)}`,
    `  anything else on its stderr but the notice below: ${other.length ? JSON.stringify(other.join('').trim()) : 'nothing'}  ${verdict(other.length === 0)}`,
    ...(notice && printed.includes(notice)
      ? [`  notice (by design on Node.js ${process.version}, not a verdict): ${notice.trim()}`]
      : []),
  ];
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
  stderrSeen?: Set<string>,
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${stderr.slice(0, 300)}`));
      else {
        stderrSeen?.add(stderr);
        resolve(performance.now() - started);
      }
    });
  });
}

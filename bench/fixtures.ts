/**
 * The benchmark's world: the real registry seeded with the known-good images, the ECR double and the fault
 * proxy in pass-through, all on loopback, started the same way the tests start them.
 */
import { execFile } from 'node:child_process';
import { buildMultiArchImage } from '../lambda/engine/model/oci-image.ts';
import { parseManifest, smallestLayer } from '../lambda/engine/probe/manifest.ts';
import { seedRegistry } from '../test/support/global-setup.ts';
import { applyEnv, type ProbeEnvironment, startProbeEnvironment } from '../test/support/probe-env.ts';
import { type RunningRegistry, startRegistry } from '../test/support/registry.ts';
import type { RegistryContext } from '../test/support/registry-context.ts';

export interface BenchWorld {
  registry: RunningRegistry;
  context: RegistryContext;
  probeEnv: ProbeEnvironment;
  image: { repository: string; tag: string; digest: string };
  close(): Promise<void>;
}

export async function startBenchWorld(): Promise<BenchWorld> {
  const registry = await startRegistry();
  const context = await seedRegistry(registry);
  const probeEnv = await startProbeEnvironment(context);
  // In-process probes read credentials and endpoints from the environment, as on a real host.
  const restoreEnv = applyEnv(probeEnv.env);
  return {
    registry,
    context,
    probeEnv,
    image: context.images.multiArch,
    close: async () => {
      restoreEnv();
      await probeEnv.close();
      await registry.stop();
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function timeEach(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** How long a fresh `node ARGS…` takes from spawn to exit, in ms (a cold start of what it loads), and its output. */
export function nodeStart(args: string[]): Promise<{ wallMs: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve({ wallMs: performance.now() - started, stdout });
    });
  });
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

/**
 * The layer the probe's layer phase reads of the seeded multi-arch image for one architecture (its smallest),
 * so the raw side of a comparison can request the same blob without resolving the index.
 */
export function seededLayerDigest(architecture: string): string {
  const manifest = buildMultiArchImage().manifests.find((m) => m.platform.architecture === architecture);
  const layer = manifest ? smallestLayer(parseManifest(manifest.bytes, manifest.mediaType).layers) : null;
  if (!layer) throw new Error(`the seeded image has no ${architecture} layer`);
  return layer.digest;
}

/**
 * The environment a host command (status, preflight) runs with against the loopback AWS double: the double's keys
 * and endpoints, and nothing of this machine's AWS setup (no profile files, no instance metadata).
 */
export function commandEnv(
  keys: { accessKeyId: string; secretAccessKey: string },
  endpoints: Record<string, string>,
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_CONFIG_FILE: '/nonexistent/config',
    ...endpoints,
  };
}

/** One fresh process of the built command: its exit status, its stdout, and its wall time. */
export function runCommand(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 60_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, wallMs: performance.now() - started });
    });
  });
}

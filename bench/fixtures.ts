/**
 * The benchmark's world: the real registry seeded with the known-good image, the ECR double and the fault
 * proxy in pass-through, all on loopback, started the same way the tests start them.
 */
import { pushImage } from '../lambda/registry/push.ts';
import { buildMultiArchImage } from '../lambda/seed/oci-image.ts';
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
  const image = { repository: 'canary/known-good', tag: 'v1' };
  const pushed = await pushImage({
    registryUrl: registry.url,
    ...image,
    image: buildMultiArchImage(),
    authorization: `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`,
    ca: registry.caPem,
  });
  const context: RegistryContext = {
    url: registry.url,
    caPem: registry.caPem,
    caPath: registry.caPath,
    certPath: registry.certPath,
    keyPath: registry.keyPath,
    password: registry.password,
    images: {
      multiArch: { ...image, digest: pushed.digest, platforms: ['linux/amd64', 'linux/arm64'] },
      singleArch: { ...image, digest: pushed.digest, platform: 'linux/amd64' },
    },
  };
  const probeEnv = await startProbeEnvironment(context);
  // In-process probes read credentials and endpoints from the environment, as on a real host.
  const restoreEnv = applyEnv(probeEnv.env);
  return {
    registry,
    context,
    probeEnv,
    image: { ...image, digest: pushed.digest },
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

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

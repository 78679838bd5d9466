import type { TestProject } from 'vitest/node';
import { buildMultiArchImage, buildSingleArchImage, formatPlatform } from '../../lambda/model/oci-image.ts';
import { pushImage } from '../../lambda/registry/push.ts';
import { type RunningRegistry, startRegistry } from './registry.ts';
import type { RegistryContext } from './registry-context.ts';

const MULTI_ARCH = { repository: 'canary/multi', tag: 'v1' } as const;
const SINGLE_ARCH = { repository: 'canary/single', tag: 'v1', platform: 'linux/amd64' } as const;

/**
 * Starts one real registry for the whole run and seeds it with the product's own seeding code, so every test
 * file reads the same known images. The returned function is vitest's teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const registry = await startRegistry();
  try {
    project.provide('registry', await seedRegistry(registry));
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return () => registry.stop();
}

/** Seeds a fresh registry with the known images; the benchmarks use it too. */
export async function seedRegistry(registry: RunningRegistry): Promise<RegistryContext> {
  const common = {
    registryUrl: registry.url,
    authorization: `Basic ${Buffer.from(`${registry.user}:${registry.password}`).toString('base64')}`,
    ca: registry.caPem,
  };
  const multiImage = buildMultiArchImage();
  const singleImage = buildSingleArchImage({ platform: SINGLE_ARCH.platform });
  const [multi, single] = await Promise.all([
    pushImage({ ...common, ...MULTI_ARCH, image: multiImage }),
    pushImage({ ...common, repository: SINGLE_ARCH.repository, tag: SINGLE_ARCH.tag, image: singleImage }),
  ]);
  return {
    url: registry.url,
    caPem: registry.caPem,
    caPath: registry.caPath,
    certPath: registry.certPath,
    keyPath: registry.keyPath,
    password: registry.password,
    images: {
      multiArch: {
        ...MULTI_ARCH,
        digest: multi.digest,
        platforms: multiImage.manifests.map((manifest) => formatPlatform(manifest.platform)),
      },
      singleArch: { ...SINGLE_ARCH, digest: single.digest },
    },
  };
}

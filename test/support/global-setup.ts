import type { TestProject } from 'vitest/node';
import {
  buildMultiArchImage,
  buildSingleArchImage,
  formatPlatform,
} from '../../lambda/engine/model/oci-image.ts';
import { pushImage } from '../../lambda/engine/registry/push.ts';
import { MissingPrerequisiteError } from './prerequisites.ts';
import { type RunningRegistry, startRegistry } from './registry.ts';
import type { RegistryContext } from './registry-context.ts';

const MULTI_ARCH = { repository: 'canary/multi', tag: 'v1' } as const;
const SINGLE_ARCH = { repository: 'canary/single', tag: 'v1', platform: 'linux/amd64' } as const;

/**
 * Starts one real registry for the whole run and seeds it with the product's own seeding code, so every test
 * file reads the same known images. The returned function is vitest's teardown. Only the `registry` project
 * (vitest.config.ts) runs this. When a program it needs is missing, the run goes on: the unit files pass,
 * and every registry file fails with the message naming the Debian package (test/support/require-registry.ts).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let registry: RunningRegistry;
  try {
    registry = await startRegistry();
  } catch (error) {
    if (!(error instanceof MissingPrerequisiteError)) throw error;
    project.provide('registryUnavailable', error.message);
    return undefined;
  }
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

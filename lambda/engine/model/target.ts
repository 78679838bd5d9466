import {
  defaultTargetName,
  type ImageReference,
  isRegistryUrlAllowed,
  parseImageReference,
  REGISTRY_URL_ALLOWED,
  tokenHostProblem,
} from './image-ref.ts';
import { parsePlatform } from './platform.ts';
import { isKnownRegion, knownRegionAllowed } from './regions.ts';
import type { ProbeTarget } from './types.ts';

/** A target with its reference parsed and region settled. */
export interface ResolvedTarget {
  target: ProbeTarget;
  name: string;
  ref: ImageReference;
  region: string;
}

export class TargetConfigError extends Error {
  override name = 'TargetConfigError';
}

/**
 * `regionHow`: how the caller's user names a region, for the message when there is none (the CLI's `--region`);
 * null where there is no such setting.
 */
export function resolveTarget(
  target: ProbeTarget,
  defaultRegion: string | undefined,
  regionHow: string | null = 'set the region',
): ResolvedTarget {
  const ref = parseImageReference(target.image);
  // A well-formed name that is no region (`eu-wset-1`) would send the probe, and the construct's grants, nowhere.
  for (const [what, named] of [
    ['region', target.region],
    ['region in the registry host', ref.region],
  ] as const) {
    if (named && !isKnownRegion(named)) {
      throw new TargetConfigError(
        `target "${target.image}": ${what} "${named}" is not allowed; allowed: ${knownRegionAllowed(named)}`,
      );
    }
  }
  if (target.region && ref.region && target.region !== ref.region) {
    throw new TargetConfigError(
      `target "${target.image}": region "${target.region}" differs from the region "${ref.region}" in the image URI`,
    );
  }
  const region = target.region ?? ref.region ?? defaultRegion;
  if (!region) {
    throw new TargetConfigError(
      `target "${target.image}": no region; use a full ECR URI, ${regionHow ? `${regionHow}, ` : ''}or set AWS_REGION`,
    );
  }
  for (const platform of target.platforms ?? []) {
    if (!parsePlatform(platform)) {
      throw new TargetConfigError(
        `target "${target.image}": platform "${platform}" is not os/arch[/variant]`,
      );
    }
  }
  const destination = tokenDestinationProblem(target, ref);
  if (destination) throw new TargetConfigError(`target "${target.image}": ${destination}`);
  return { target, name: target.name ?? defaultTargetName(ref), ref, region };
}

/**
 * Why the ECR token may not go where this target would send it, or null. `resolveTarget` refuses such a target,
 * and the probe checks again before fetching a token, for targets built by hand.
 */
export function tokenDestinationProblem(target: ProbeTarget, ref: ImageReference): string | null {
  if (target.registryUrl !== undefined && !isRegistryUrlAllowed(target.registryUrl, 'local')) {
    return `registryUrl "${target.registryUrl}" is not allowed; allowed: ${REGISTRY_URL_ALLOWED.local}`;
  }
  return tokenHostProblem(ref, target.registryUrl, 'set registryUrl for this target');
}

import { PHASE_TIMEOUTS_MS } from '../../engine/model/limits.ts';
import { buildMultiArchImage, sha256Digest } from '../../engine/model/oci-image.ts';
import { remediationFor } from '../../engine/model/runbooks.ts';
import { SEED_ATTRIBUTES, SEED_PROPERTIES } from '../../engine/model/seed-contract.ts';
import { type AwsClientFactory, createAwsClientFactory } from '../../engine/probe/aws-clients.ts';
import {
  classifyNetworkError,
  classifyRegistryResponse,
  type ProbeFailure,
} from '../../engine/probe/classify.ts';
import { MANIFEST_MEDIA_TYPES } from '../../engine/probe/manifest.ts';
import {
  createRegistryAgents,
  destroyRegistryAgents,
  registryGet,
} from '../../engine/probe/registry-request.ts';
import { fetchRegistryCredential, type RegistryCredential } from '../../engine/probe/token.ts';
import { pushImage, RegistryPushError } from '../../engine/registry/push.ts';
import {
  type CustomResourceEvent,
  type CustomResourceResponse,
  RESPONSE_MARGIN_MS,
  responseFor,
  sendResponse,
} from '../cfn-response.ts';

export interface SeedRequest {
  region: string;
  repository: string;
  tag: string;
  platforms: readonly string[];
  /** The index digest the construct expects; a different build is refused rather than pushed. @default not checked */
  expectedDigest?: string;
}

export interface SeedDeps {
  clients: AwsClientFactory;
  now: () => number;
  /** Extra CA (PEM) for the registry; tests use a throwaway one. @default Node's bundled roots */
  ca?: string;
  /** Per registry request. @default 15000 (the push module's default) */
  requestTimeoutMs?: number;
}

export interface SeedResult {
  digest: string;
  /** False when the tag already held exactly this image (a repeated deployment). */
  pushed: boolean;
  registryUrl: string;
}

export class SeedError extends Error {
  override name = 'SeedError';
}

/**
 * Pushes the canary's known-good multi-arch image with the same token code the probe uses, so a deployment
 * that succeeds has already proven the region's ECR auth path once. Safe to repeat: a tag that already holds
 * this exact image is left alone (immutable tags would refuse even an identical push).
 */
export async function seedKnownGoodImage(request: SeedRequest, deps: SeedDeps): Promise<SeedResult> {
  const image = buildMultiArchImage({ platforms: [...request.platforms] });
  const digest = image.index.digest;
  if (request.expectedDigest && request.expectedDigest !== digest) {
    throw new SeedError(
      `the seeding function built ${digest} but the stack expects ${request.expectedDigest}; the function and the construct come from different versions, redeploy both`,
    );
  }

  const token = await fetchRegistryCredential(
    {
      region: request.region,
      credentialsTimeoutMs: PHASE_TIMEOUTS_MS.credentials,
      tokenTimeoutMs: PHASE_TIMEOUTS_MS.token,
      lookupIdentity: false,
    },
    deps,
  );
  if (token.failure || !token.credential) {
    throw failureError(`getting an ECR authorization token in ${request.region}`, token.failure);
  }
  const credential = token.credential;
  if (!credential.proxyEndpoint) {
    throw new SeedError('GetAuthorizationToken returned no proxy endpoint; cannot locate the registry');
  }
  const registryUrl = credential.proxyEndpoint.replace(/\/+$/, '');

  const existing = await taggedDigest(registryUrl, request, credential, deps);
  if (existing === digest) return { digest, pushed: false, registryUrl };
  if (existing !== null) {
    throw new SeedError(
      `tag ${request.tag} in ${request.repository} already holds ${existing}, not ${digest}; tags are immutable, so remove that image or change the tag`,
    );
  }

  try {
    await pushImage({
      registryUrl,
      repository: request.repository,
      tag: request.tag,
      image,
      authorization: credential.authorization,
      ...(deps.ca === undefined ? {} : { ca: deps.ca }),
      ...(deps.requestTimeoutMs === undefined ? {} : { timeoutMs: deps.requestTimeoutMs }),
    });
  } catch (error) {
    // A concurrent or retried deployment may have tagged the same image in between; immutable tags then
    // refuse our manifest PUT although the repository holds exactly what we wanted.
    if (error instanceof RegistryPushError && error.step === 'manifest-put') {
      const now = await taggedDigest(registryUrl, request, credential, deps).catch(() => null);
      if (now === digest) return { digest, pushed: false, registryUrl };
    }
    throw error;
  }
  return { digest, pushed: true, registryUrl };
}

/** Digest of what the tag holds now, computed over the bytes (ECR may omit Docker-Content-Digest); null if no such tag. */
async function taggedDigest(
  registryUrl: string,
  request: SeedRequest,
  credential: RegistryCredential,
  deps: SeedDeps,
): Promise<string | null> {
  const agents = createRegistryAgents(deps.ca);
  try {
    const url = new URL(`${registryUrl}/v2/${request.repository}/manifests/${request.tag}`);
    let response: Awaited<ReturnType<typeof registryGet>>;
    try {
      response = await registryGet(
        {
          url,
          // Every manifest type: with the index type accepted ECR returns the stored bytes, never a conversion.
          headers: { Authorization: credential.authorization, Accept: MANIFEST_MEDIA_TYPES.join(', ') },
          timeoutMs: PHASE_TIMEOUTS_MS.manifest,
          agents,
        },
        deps.now,
      );
    } catch (error) {
      throw failureError(
        `reading ${request.repository}:${request.tag}`,
        classifyNetworkError(error, 'manifest'),
      );
    }
    if (response.status === 200) return sha256Digest(response.body);
    const failure = classifyRegistryResponse(response.status, response.body.toString('utf8'), 'manifest');
    if (failure.category === 'not-found') return null;
    throw failureError(`reading ${request.repository}:${request.tag}`, failure);
  } finally {
    destroyRegistryAgents(agents);
  }
}

function failureError(what: string, failure: ProbeFailure | null): SeedError {
  if (!failure) return new SeedError(`${what} failed without a diagnosis`);
  return new SeedError(
    `${what} failed (${failure.category}, ${failure.code}): ${failure.message}. ${remediationFor(failure.category)}`,
  );
}

/** Parses and checks the resource properties; a malformed one is a bug in the construct, reported as such. */
export function seedRequestFrom(properties: Record<string, unknown>, region: string): SeedRequest {
  const text = (key: string): string => {
    const value = properties[key];
    if (typeof value !== 'string' || value === '')
      throw new SeedError(`property ${key} must be a non-empty string`);
    return value;
  };
  const platforms = properties[SEED_PROPERTIES.platforms];
  if (!Array.isArray(platforms) || platforms.length === 0 || !platforms.every((p) => typeof p === 'string')) {
    throw new SeedError(`property ${SEED_PROPERTIES.platforms} must be a non-empty list of os/arch strings`);
  }
  return {
    region,
    repository: text(SEED_PROPERTIES.repository),
    tag: text(SEED_PROPERTIES.tag),
    platforms,
    expectedDigest: text(SEED_PROPERTIES.digest),
  };
}

/**
 * Create and Update seed; Delete does nothing, because the repository empties itself when it is deleted
 * (`emptyOnDelete`) and a seeded tag from an older deployment is harmless until then.
 */
export async function onEvent(
  event: CustomResourceEvent,
  deps: SeedDeps,
  region: string,
): Promise<CustomResourceResponse> {
  if (event.RequestType === 'Delete') {
    return responseFor(event, {
      Status: 'SUCCESS',
      PhysicalResourceId: event.PhysicalResourceId ?? event.LogicalResourceId,
    });
  }
  try {
    const request = seedRequestFrom(event.ResourceProperties, region);
    const result = await seedKnownGoodImage(request, deps);
    return responseFor(event, {
      Status: 'SUCCESS',
      // A new tag is a new physical resource; CloudFormation then deletes the old one, which is a no-op.
      PhysicalResourceId: `${request.repository}:${request.tag}`,
      Data: { [SEED_ATTRIBUTES.digest]: result.digest, [SEED_ATTRIBUTES.pushed]: String(result.pushed) },
    });
  } catch (error) {
    return responseFor(event, {
      Status: 'FAILED',
      Reason: clip(error instanceof Error ? error.message : String(error)),
      // On a failed Create CloudFormation deletes this id during rollback; Delete is a no-op either way.
      PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-not-seeded`,
    });
  }
}

interface LambdaContext {
  getRemainingTimeInMillis(): number;
  logStreamName?: string;
}

/** Lambda entry point, registered directly as the custom resource's service token (no provider framework). */
export async function handler(event: CustomResourceEvent, context: LambdaContext): Promise<void> {
  const region = process.env.AWS_REGION ?? '';
  const deps: SeedDeps = { clients: createAwsClientFactory(), now: Date.now };
  // What is left after the margin the reply itself may need in its worst case (lambda/functions/cfn-response.ts).
  const budget = Math.max(1000, context.getRemainingTimeInMillis() - RESPONSE_MARGIN_MS);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CustomResourceResponse>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          responseFor(event, {
            Status: 'FAILED',
            Reason: `seeding did not finish within ${Math.round(budget / 1000)} s`,
            PhysicalResourceId: event.PhysicalResourceId ?? `${event.LogicalResourceId}-not-seeded`,
          }),
        ),
      budget,
    );
  });
  const response = await Promise.race([onEvent(event, deps, region), deadline]);
  clearTimeout(timer);
  // Never the event: its ResponseURL is a presigned URL that lets anyone answer for this resource.
  console.log(
    JSON.stringify({
      requestType: event.RequestType,
      status: response.Status,
      reason: response.Reason,
      physicalResourceId: response.PhysicalResourceId,
      data: response.Data,
    }),
  );
  await sendResponse(event.ResponseURL, response);
}

function clip(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

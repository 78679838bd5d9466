/**
 * The checks of every ECR image the workloads use, one repository at a time: its lifecycle policy
 * (GetLifecyclePolicy), every image in it (DescribeImages, all statuses, 1,000 a page: existence, storage class,
 * push and pull times, and the whole population a count rule counts), and, for another account's repository, its
 * policy (GetRepositoryPolicy) judged with the project's IAM evaluator for the workload's pulling principal.
 * A read that fails is "not checked" for the images it would have answered, never a risk.
 */
import {
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  type ECRClient,
  GetLifecyclePolicyCommand,
  GetRepositoryPolicyCommand,
  type ImageDetail,
} from '@aws-sdk/client-ecr';
import {
  evaluate,
  type PolicyStatement,
  policyStatements,
  UnmodelledPolicyError,
} from '../model/iam-policy.ts';
import { type ImageReference, parseImageReference } from '../model/image-ref.ts';
import type { AtRiskReason } from '../model/inventory-contract.ts';
import {
  DAY_MS,
  describeRule,
  evaluateLifecyclePolicy,
  type LifecycleImage,
  type LifecycleOutcome,
  type LifecyclePolicy,
  parseLifecyclePolicy,
} from '../model/lifecycle-policy.ts';
import { INVENTORY_API } from '../model/limits.ts';
import { regionPartition } from '../model/regions.ts';
import type { ImageUse, Workload } from './discover.ts';
import { ReadFailure, type Reads, toReadFailure } from './reads.ts';

export type CheckStatus = 'ok' | 'at-risk' | 'not-checked' | 'notice';

/** The verdict on one image reference of one workload. */
export interface ImageCheck {
  workload: Pick<Workload, 'kind' | 'name' | 'arn'>;
  container: string;
  /** The image as the workload names it. */
  image: string;
  /** What was checked: `repository:tag` (the next start) or `repository@digest` (what runs now). */
  checked: string;
  registryId: string;
  region: string;
  repository: string;
  status: CheckStatus;
  reason?: AtRiskReason;
  /** One sentence: what is wrong, or why it was not checked, or the notice. */
  detail: string;
  /** When a lifecycle rule acts (ISO); at ECR's next run when in the past. */
  due?: string;
  rule?: { priority: number; description?: string };
  /** The exact fix, a command where there is one. */
  fix?: string;
}

export interface CheckOptions {
  now: number;
  /** A lifecycle action due within this many days is a risk. */
  horizonDays: number;
}

export interface CheckClients {
  /** The ECR API client of a region (images may live in another region than the workload). */
  ecr(region: string): ECRClient;
}

/** A reference that is not on an ECR registry host (Docker Hub, ECR Public, …): not checked, only counted. */
export interface Skipped {
  workload: string;
  image: string;
  why: string;
}

interface RepositoryKey {
  registryId: string;
  region: string;
  repository: string;
}

interface Target {
  workload: Workload;
  use: ImageUse;
  ref: ImageReference & { registryId: string; region: string };
}

/** What one repository said, or the read that failed. */
interface RepositoryState {
  images: ImageDetail[] | ReadFailure;
  policy: LifecyclePolicy | null | ReadFailure | Error;
  /** Only read for another account's repository: the statements, null with no policy, or the failure. */
  repositoryPolicy?: PolicyStatement[] | null | ReadFailure;
}

export async function checkImages(
  workloads: readonly Workload[],
  clients: CheckClients,
  reads: Reads,
  options: CheckOptions,
): Promise<{ checks: ImageCheck[]; skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  const byRepository = new Map<string, { key: RepositoryKey; targets: Target[] }>();
  for (const workload of workloads) {
    for (const use of workload.images) {
      let ref: ImageReference;
      try {
        ref = parseImageReference(use.image);
      } catch (error) {
        skipped.push({ workload: workload.name, image: use.image, why: (error as Error).message });
        continue;
      }
      if (ref.registryId === null || ref.region === null) {
        skipped.push({ workload: workload.name, image: use.image, why: 'not on an ECR registry host' });
        continue;
      }
      const key = { registryId: ref.registryId, region: ref.region, repository: ref.repository };
      const id = `${key.registryId}/${key.region}/${key.repository}`;
      let entry = byRepository.get(id);
      if (!entry) {
        entry = { key, targets: [] };
        byRepository.set(id, entry);
      }
      entry.targets.push({ workload, use, ref: ref as Target['ref'] });
    }
  }
  const results = await Promise.all(
    [...byRepository.values()].map(async ({ key, targets }) => {
      const crossAccount = targets.some((t) => t.workload.account !== key.registryId);
      const state = await readRepository(clients.ecr(key.region), reads, key, crossAccount);
      return targets.flatMap((target) => judge(target, state, options));
    }),
  );
  return { checks: results.flat(), skipped };
}

async function readRepository(
  ecr: ECRClient,
  reads: Reads,
  key: RepositoryKey,
  crossAccount: boolean,
): Promise<RepositoryState> {
  const ids = { registryId: key.registryId, repositoryName: key.repository };
  const [images, policy, repositoryPolicy] = await Promise.all([
    listImages(ecr, reads, ids).catch((error) => toReadFailure('DescribeImages', error)),
    reads
      .call('ecr', 'GetLifecyclePolicy', () => ecr.send(new GetLifecyclePolicyCommand(ids)))
      .then((out) => (out.lifecyclePolicyText ? parseLifecyclePolicy(out.lifecyclePolicyText) : null))
      .catch((error: unknown) => {
        if (error instanceof ReadFailure)
          return error.code === 'LifecyclePolicyNotFoundException' ? null : error;
        return error as Error;
      }),
    crossAccount
      ? reads
          .call('ecr', 'GetRepositoryPolicy', () => ecr.send(new GetRepositoryPolicyCommand(ids)))
          .then((out) => policyStatements(out.policyText ?? '{}'))
          .catch((error: unknown) => {
            const failure = toReadFailure('GetRepositoryPolicy', error);
            return failure.code === 'RepositoryPolicyNotFoundException' ? null : failure;
          })
      : Promise.resolve(undefined),
  ]);
  return { images, policy, ...(repositoryPolicy === undefined ? {} : { repositoryPolicy }) };
}

async function listImages(
  ecr: ECRClient,
  reads: Reads,
  ids: { registryId: string; repositoryName: string },
): Promise<ImageDetail[]> {
  const all: ImageDetail[] = [];
  let nextToken: string | undefined;
  do {
    const out: DescribeImagesCommandOutput = await reads.call('ecr', 'DescribeImages', () =>
      ecr.send(
        new DescribeImagesCommand({
          ...ids,
          // Without the filter only ACTIVE images are listed, and an archived image would look deleted.
          filter: { imageStatus: 'ANY' },
          maxResults: INVENTORY_API.ecrDescribeImagesPage,
          nextToken,
        }),
      ),
    );
    all.push(...(out.imageDetails ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return all;
}

function lifecycleImage(detail: ImageDetail): LifecycleImage {
  return {
    digest: detail.imageDigest ?? '',
    tags: detail.imageTags ?? [],
    pushedAt: detail.imagePushedAt?.getTime() ?? 0,
    storageClass: detail.imageStatus === 'ARCHIVED' ? 'archive' : 'standard',
    ...(detail.lastRecordedPullTime ? { lastPulledAt: detail.lastRecordedPullTime.getTime() } : {}),
    ...(detail.lastArchivedAt ? { lastArchivedAt: detail.lastArchivedAt.getTime() } : {}),
  };
}

/** Per repository, evaluated once for all its targets. */
const outcomeCache = new WeakMap<RepositoryState, Map<string, LifecycleOutcome>>();

function judge(target: Target, state: RepositoryState, options: CheckOptions): ImageCheck[] {
  const { ref, use, workload } = target;
  const base = {
    workload: { kind: workload.kind, name: workload.name, arn: workload.arn },
    container: use.container,
    image: use.image,
    registryId: ref.registryId,
    region: ref.region,
    repository: ref.repository,
  };
  const selectors: Array<{ tag?: string; digest?: string; running: boolean }> = [];
  if (ref.digest) selectors.push({ digest: ref.digest, running: false });
  else if (ref.tag) selectors.push({ tag: ref.tag, running: false });
  const tagDigest =
    ref.tag && !ref.digest && Array.isArray(state.images)
      ? state.images.find((d) => d.imageTags?.includes(ref.tag as string))?.imageDigest
      : undefined;
  // What runs now, when it is another image than the reference names (the same image is judged once).
  for (const digest of use.runningDigests) {
    if (digest !== ref.digest && digest !== tagDigest) selectors.push({ digest, running: true });
  }
  const checks: ImageCheck[] = [];
  for (const selector of selectors) {
    const checked = selector.tag
      ? `${ref.repository}:${selector.tag}`
      : `${ref.repository}@${selector.digest}`;
    const one = { ...base, checked };
    checks.push(judgeOne(one, selector, state, target, options));
  }
  // The tag now names another image than the tasks run: informational, the next start changes image.
  if (tagDigest && use.runningDigests.length > 0 && !use.runningDigests.includes(tagDigest)) {
    checks.push({
      ...base,
      checked: `${ref.repository}:${ref.tag}`,
      status: 'notice',
      detail: `tag ${ref.tag} now points to ${short(tagDigest)}, not ${use.runningDigests.map(short).join(', ')} that runs now: the next deployment or Lambda update starts another image`,
      fix: `pin the image by digest (${ref.repository}@${use.runningDigests[0]}) to keep what runs, or deploy the new one on purpose`,
    });
  }
  return checks;
}

function judgeOne(
  one: Omit<ImageCheck, 'status' | 'detail'>,
  selector: { tag?: string; digest?: string; running: boolean },
  state: RepositoryState,
  target: Target,
  options: CheckOptions,
): ImageCheck {
  const { ref } = target;
  if (state.images instanceof ReadFailure) {
    if (state.images.code === 'RepositoryNotFoundException') {
      return {
        ...one,
        status: 'at-risk',
        reason: 'missing',
        detail: `repository ${ref.repository} does not exist in account ${ref.registryId} (${ref.region})`,
        fix: `recreate the repository and push the image, or point ${target.workload.name} at one that exists`,
      };
    }
    return { ...one, status: 'not-checked', detail: notChecked(state.images) };
  }
  const detail = state.images.find((d) =>
    selector.digest ? d.imageDigest === selector.digest : d.imageTags?.includes(selector.tag as string),
  );
  const what = selector.tag ? `tag ${selector.tag}` : `image ${short(selector.digest as string)}`;
  if (!detail) {
    return {
      ...one,
      status: 'at-risk',
      reason: 'missing',
      detail: selector.running
        ? `${what}, which ${target.workload.name} runs now, is gone from ${ref.repository}: new tasks of this deployment cannot start`
        : `${what} is gone from ${ref.repository}: the next start of ${target.workload.name} cannot pull it`,
      fix: missingFix(target, selector),
    };
  }
  if (detail.imageStatus === 'ARCHIVED' || detail.imageStatus === 'ACTIVATING') {
    const digest = detail.imageDigest as string;
    return {
      ...one,
      status: 'at-risk',
      reason: 'archived',
      detail:
        detail.imageStatus === 'ARCHIVED'
          ? `${what} is in the archive storage class${detail.lastArchivedAt ? ` since ${detail.lastArchivedAt.toISOString()}` : ''}: it cannot be pulled until restored`
          : `${what} is being restored from the archive (ACTIVATING): it cannot be pulled until ACTIVE`,
      fix:
        detail.imageStatus === 'ARCHIVED'
          ? restoreCommand(ref, digest)
          : `wait for the restore to finish: aws ecr describe-images --registry-id ${ref.registryId} --repository-name ${ref.repository} --image-ids imageDigest=${digest} --filter imageStatus=ANY --region ${ref.region}`,
    };
  }
  const denied = pullDenied(state, target);
  if (denied) return { ...one, ...denied };
  return lifecycleVerdict(one, what, detail, state, target, options);
}

function lifecycleVerdict(
  one: Omit<ImageCheck, 'status' | 'detail'>,
  what: string,
  detail: ImageDetail,
  state: RepositoryState,
  target: Target,
  options: CheckOptions,
): ImageCheck {
  if (state.policy instanceof Error) {
    return {
      ...one,
      status: 'not-checked',
      detail:
        state.policy instanceof ReadFailure
          ? `lifecycle policy ${notChecked(state.policy)}`
          : `lifecycle policy not evaluated: ${state.policy.message}`,
    };
  }
  if (state.policy === null)
    return { ...one, status: 'ok', detail: `${what} exists and is pullable; no lifecycle policy` };
  let outcomes = outcomeCache.get(state);
  if (!outcomes) {
    outcomes = evaluateLifecyclePolicy(
      state.policy,
      (state.images as ImageDetail[]).map(lifecycleImage),
      options.now,
    );
    outcomeCache.set(state, outcomes);
  }
  const outcome = outcomes.get(detail.imageDigest ?? '') ?? { kind: 'unaffected' as const };
  if (outcome.kind === 'unaffected')
    return { ...one, status: 'ok', detail: `${what} exists and is pullable; no lifecycle rule acts on it` };
  const rule = {
    priority: outcome.rule.rulePriority,
    ...(outcome.rule.description ? { description: outcome.rule.description } : {}),
  };
  const verb = outcome.action === 'expire' ? 'expires' : 'moves to the archive';
  if (outcome.kind === 'counted') {
    return {
      ...one,
      status: 'notice',
      rule,
      detail: `lifecycle rule ${describeRule(outcome.rule)} keeps it for ${outcome.newerToSpare} more matching push${outcome.newerToSpare === 1 ? '' : 'es'}, then ${verb} it`,
      fix: lifecycleFix(target, outcome.rule.rulePriority),
    };
  }
  const due = new Date(Math.max(outcome.dueAt, options.now)).toISOString();
  const soon = outcome.dueAt <= options.now + options.horizonDays * DAY_MS;
  const when = outcome.dueAt <= options.now ? 'at its next run (within 24 hours)' : `from ${due}`;
  return {
    ...one,
    status: soon ? 'at-risk' : 'notice',
    ...(soon ? { reason: 'lifecycle' as const } : {}),
    rule,
    due,
    detail: `lifecycle rule ${describeRule(outcome.rule)} ${verb} ${what} ${when}`,
    fix: lifecycleFix(target, outcome.rule.rulePriority),
  };
}

/** Pull actions a principal needs on the repository (ECR user guide, "Repository policy examples"). */
export const PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;
/** Context keys the check can supply; a policy that conditions on any other key is not judged. */
const KNOWN_CONTEXT_KEYS = ['aws:principalarn', 'aws:principalaccount', 'aws:sourcearn', 'aws:sourceaccount'];

function pullDenied(
  state: RepositoryState,
  target: Target,
): Pick<ImageCheck, 'status' | 'reason' | 'detail' | 'fix'> | null {
  const { workload, ref } = target;
  if (workload.account === ref.registryId || state.repositoryPolicy === undefined) return null;
  if (state.repositoryPolicy instanceof ReadFailure)
    return { status: 'not-checked', detail: `repository policy ${notChecked(state.repositoryPolicy)}` };
  if (!workload.puller)
    return {
      status: 'not-checked',
      detail: 'cross-account pull not judged: the task definition names no execution role',
    };
  // A repository policy names no Resource: it is the repository's own.
  const statements = (state.repositoryPolicy ?? []).map((s) =>
    s.Resource === undefined && s.NotResource === undefined ? { ...s, Resource: '*' } : s,
  );
  const unknownKey = statements
    .flatMap((s) => Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys)))
    .find((key) => !KNOWN_CONTEXT_KEYS.includes(key.toLowerCase()));
  if (unknownKey)
    return {
      status: 'not-checked',
      detail: `repository policy conditions on ${unknownKey}, which the inventory cannot know`,
    };
  const partition = regionPartition(ref.region);
  const resource = `arn:${partition}:ecr:${ref.region}:${ref.registryId}:repository/${ref.repository}`;
  const puller = workload.puller;
  const principal = 'role' in puller ? puller.role : { service: puller.service };
  const context: Record<string, string> =
    'role' in puller
      ? { 'aws:PrincipalArn': puller.role, 'aws:PrincipalAccount': workload.account }
      : { 'aws:SourceArn': puller.sourceArn, 'aws:SourceAccount': workload.account };
  try {
    const refused = PULL_ACTIONS.filter(
      (action) => evaluate(statements, { principal, action, resource, context }) !== 'allow',
    );
    if (refused.length === 0) return null;
    const who = 'role' in puller ? puller.role : `${puller.service} for ${puller.sourceArn}`;
    return {
      status: 'at-risk',
      reason: 'pull-denied',
      detail: `the repository policy of ${ref.repository} in account ${ref.registryId} does not let ${who} ${refused.join(', ')}${statements.length === 0 ? ' (the repository has no policy)' : ''}`,
      fix: grantFix(
        ref,
        'role' in puller ? { AWS: puller.role } : { Service: puller.service },
        workload.account,
      ),
    };
  } catch (error) {
    if (error instanceof UnmodelledPolicyError)
      return {
        status: 'not-checked',
        detail: `repository policy not judged: ${error.message} is not modelled`,
      };
    throw error;
  }
}

function notChecked(failure: ReadFailure): string {
  switch (failure.kind) {
    case 'denied':
      return `not checked: ${failure.operation} was denied (${failure.code})`;
    case 'throttled':
      return `not checked: ${failure.operation} stayed throttled after the SDK's retries`;
    case 'out-of-time':
      return `not checked: the run ran out of time before ${failure.operation}`;
    default:
      return `not checked: ${failure.message}`;
  }
}

function short(digest: string): string {
  return digest.startsWith('sha256:') ? `sha256:${digest.slice(7, 19)}` : digest;
}

function restoreCommand(ref: Target['ref'], digest: string): string {
  return `aws ecr update-image-storage-class --registry-id ${ref.registryId} --repository-name ${ref.repository} --image-id imageDigest=${digest} --target-storage-class STANDARD --region ${ref.region}`;
}

function missingFix(target: Target, selector: { tag?: string; digest?: string; running: boolean }): string {
  const { workload, ref } = target;
  if (workload.kind === 'ecs-service' && selector.running) {
    const [cluster, service] = workload.name.split('/');
    return `re-push the image, or start a deployment that resolves the tag again: aws ecs update-service --cluster ${cluster} --service ${service} --force-new-deployment --region ${ref.region}`;
  }
  if (workload.kind === 'lambda')
    return `push the image again (same tag) or update the function to an image that exists: aws lambda update-function-code --function-name ${workload.name} --image-uri <image> --region ${ref.region}`;
  return `push ${selector.tag ? `${ref.repository}:${selector.tag}` : 'the image'} again, or point ${workload.name} at an image that exists, pinned by digest`;
}

function lifecycleFix(target: Target, priority: number): string {
  return `exclude what ${target.workload.name} runs from rule ${priority}: narrow its tagPrefixList/tagPatternList, or add a higher-priority rule whose selection takes this tag and keeps it (e.g. imageCountMoreThan 9999); then check with aws ecr start-lifecycle-policy-preview --registry-id ${target.ref.registryId} --repository-name ${target.ref.repository} --region ${target.ref.region}`;
}

function grantFix(ref: Target['ref'], principal: Record<string, string>, account: string): string {
  const statement = {
    Sid: `PullFrom${account}`,
    Effect: 'Allow',
    Principal: principal,
    Action: [...PULL_ACTIONS],
  };
  return `add to the repository policy of ${ref.repository} (account ${ref.registryId}): ${JSON.stringify(statement)}; aws ecr set-repository-policy --registry-id ${ref.registryId} --repository-name ${ref.repository} --policy-text file://policy.json --region ${ref.region}`;
}

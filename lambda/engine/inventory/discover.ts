/**
 * Discovery: which images the region's ECS services and tasks and Lambda functions run. Every list is paginated
 * to the end, descriptions are batched to each API's maximum, and task definitions are described once per ARN
 * (cached across runs of a warm function: a revision never changes) and only when no running task of that revision
 * already named its images. A read that fails leaves that part of the region "not discovered", named in
 * `problems`, and the rest goes on.
 */
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListClustersCommand,
  ListServicesCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { GetFunctionCommand, type LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { INVENTORY_API } from '../model/limits.ts';
import { chunks, ReadFailure, type Reads, toReadFailure } from './reads.ts';

export type WorkloadKind = 'ecs-service' | 'ecs-task' | 'lambda';

/** One image a workload names: what its next start pulls (`image`), and the digest it runs now, if known. */
export interface ImageUse {
  /** Container name (ECS) or the function name (Lambda). */
  container: string;
  /** As written in the task definition or the function's ImageUri. */
  image: string;
  /** The digest running tasks resolved (ECS `imageDigest`), or Lambda's ResolvedImageUri digest. */
  runningDigests: string[];
}

export interface Workload {
  kind: WorkloadKind;
  /** `cluster/service`, `cluster/task-id`, or the function name: what a person searches for. */
  name: string;
  arn: string;
  /** The account the workload runs in. */
  account: string;
  /** Who pulls: the task execution role, or the Lambda service on the function's behalf. */
  puller: { role: string } | { service: 'lambda.amazonaws.com'; sourceArn: string } | null;
  images: ImageUse[];
}

export interface Discovery {
  workloads: Workload[];
  /** Parts of the region that could not be listed or described, each with the failed read. */
  problems: ReadFailure[];
}

export interface DiscoveryClients {
  ecs: ECSClient;
  lambda: LambdaClient;
}

interface TaskDefinitionImages {
  executionRoleArn: string | null;
  containers: Array<{ name: string; image: string }>;
}

/** Task definitions by ARN: immutable, so a warm function keeps them across runs. */
const TASK_DEFINITION_CACHE = new Map<string, TaskDefinitionImages>();
/** Bound on the cache across runs (an ARN is ~100 bytes and a definition's images a few hundred). */
const TASK_DEFINITION_CACHE_MAX = 20_000;

export async function discoverWorkloads(clients: DiscoveryClients, reads: Reads): Promise<Discovery> {
  const problems: ReadFailure[] = [];
  const keep =
    <T>(fallback: T) =>
    (error: unknown): T => {
      problems.push(toReadFailure('discovery', error));
      return fallback;
    };
  const [ecs, lambda] = await Promise.all([
    discoverEcs(clients.ecs, reads, problems).catch(keep<Workload[]>([])),
    discoverLambda(clients.lambda, reads, problems).catch(keep<Workload[]>([])),
  ]);
  return { workloads: [...ecs, ...lambda], problems };
}

async function paginate<T>(
  page: (token: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>,
) {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const { items, next } = await page(token);
    all.push(...items);
    token = next;
  } while (token);
  return all;
}

async function discoverEcs(ecs: ECSClient, reads: Reads, problems: ReadFailure[]): Promise<Workload[]> {
  const clusters = await paginate(async (nextToken) => {
    const out = await reads.call('ecs', 'ListClusters', () =>
      ecs.send(new ListClustersCommand({ maxResults: INVENTORY_API.ecsListPage, nextToken })),
    );
    return { items: out.clusterArns ?? [], next: out.nextToken };
  });
  const perCluster = await Promise.all(
    clusters.map((cluster) =>
      discoverCluster(ecs, reads, cluster).catch((error) => {
        problems.push(toReadFailure('ECS cluster', error));
        return [] as Workload[];
      }),
    ),
  );
  return perCluster.flat();
}

async function discoverCluster(ecs: ECSClient, reads: Reads, cluster: string): Promise<Workload[]> {
  const clusterName = cluster.slice(cluster.lastIndexOf('/') + 1);
  const [services, tasks] = await Promise.all([
    listServices(ecs, reads, cluster),
    listRunningTasks(ecs, reads, cluster),
  ]);
  // Images by task definition ARN, from the running tasks: a definition a task runs needs no DescribeTaskDefinition.
  const tasksByGroup = new Map<string, Task[]>();
  for (const task of tasks) {
    const group = task.group ?? '';
    tasksByGroup.set(group, [...(tasksByGroup.get(group) ?? []), task]);
  }
  const workloads: Workload[] = [];
  const definitions = await describeDefinitions(
    ecs,
    reads,
    services.filter((s) => (s.desiredCount ?? 0) > 0).flatMap((s) => serviceDefinitions(s)),
    tasks,
  );
  for (const service of services) {
    if ((service.desiredCount ?? 0) <= 0) continue;
    const running = tasksByGroup.get(`service:${service.serviceName}`) ?? [];
    const images = new Map<string, ImageUse>();
    for (const arn of serviceDefinitions(service)) {
      for (const c of definitions.get(arn)?.containers ?? []) addUse(images, c.name, c.image);
    }
    for (const task of running) addTaskDigests(images, task);
    const executionRole = definitions.get(service.taskDefinition ?? '')?.executionRoleArn ?? null;
    workloads.push({
      kind: 'ecs-service',
      name: `${clusterName}/${service.serviceName}`,
      arn: service.serviceArn ?? '',
      account: accountOf(service.serviceArn ?? cluster),
      puller: executionRole ? { role: executionRole } : null,
      images: [...images.values()],
    });
  }
  for (const task of tasks) {
    if (task.group?.startsWith('service:')) continue;
    const images = new Map<string, ImageUse>();
    addTaskDigests(images, task);
    const executionRole = definitions.get(task.taskDefinitionArn ?? '')?.executionRoleArn ?? null;
    const id = (task.taskArn ?? '').slice((task.taskArn ?? '').lastIndexOf('/') + 1);
    workloads.push({
      kind: 'ecs-task',
      name: `${clusterName}/${id}`,
      arn: task.taskArn ?? '',
      account: accountOf(task.taskArn ?? cluster),
      puller: executionRole ? { role: executionRole } : null,
      images: [...images.values()],
    });
  }
  return workloads;
}

/** The definitions a service runs: the primary one and any still deploying or draining. */
function serviceDefinitions(service: Service): string[] {
  const arns = new Set<string>();
  if (service.taskDefinition) arns.add(service.taskDefinition);
  for (const deployment of service.deployments ?? []) {
    if ((deployment.desiredCount ?? 0) > 0 && deployment.taskDefinition) arns.add(deployment.taskDefinition);
  }
  return [...arns];
}

function addUse(images: Map<string, ImageUse>, container: string, image: string): ImageUse {
  const key = `${container}\n${image}`;
  let use = images.get(key);
  if (!use) {
    use = { container, image, runningDigests: [] };
    images.set(key, use);
  }
  return use;
}

function addTaskDigests(images: Map<string, ImageUse>, task: Task): void {
  for (const container of task.containers ?? []) {
    if (!container.image || !container.name) continue;
    const use = addUse(images, container.name, container.image);
    if (container.imageDigest && !use.runningDigests.includes(container.imageDigest))
      use.runningDigests.push(container.imageDigest);
  }
}

async function listServices(ecs: ECSClient, reads: Reads, cluster: string): Promise<Service[]> {
  const arns = await paginate(async (nextToken) => {
    const out = await reads.call('ecs', 'ListServices', () =>
      ecs.send(new ListServicesCommand({ cluster, maxResults: INVENTORY_API.ecsListPage, nextToken })),
    );
    return { items: out.serviceArns ?? [], next: out.nextToken };
  });
  const described = await Promise.all(
    chunks(arns, INVENTORY_API.ecsDescribeServices).map(async (services) => {
      const out = await reads.call('ecs', 'DescribeServices', () =>
        ecs.send(new DescribeServicesCommand({ cluster, services })),
      );
      return out.services ?? [];
    }),
  );
  return described.flat().filter((s) => s.status !== 'INACTIVE');
}

async function listRunningTasks(ecs: ECSClient, reads: Reads, cluster: string): Promise<Task[]> {
  const arns = await paginate(async (nextToken) => {
    const out = await reads.call('ecs', 'ListTasks', () =>
      ecs.send(
        new ListTasksCommand({
          cluster,
          desiredStatus: 'RUNNING',
          maxResults: INVENTORY_API.ecsListPage,
          nextToken,
        }),
      ),
    );
    return { items: out.taskArns ?? [], next: out.nextToken };
  });
  const described = await Promise.all(
    chunks(arns, INVENTORY_API.ecsDescribeTasks).map(async (tasks) => {
      const out = await reads.call('ecs', 'DescribeTasks', () =>
        ecs.send(new DescribeTasksCommand({ cluster, tasks })),
      );
      return out.tasks ?? [];
    }),
  );
  return described.flat();
}

/**
 * The images and execution role of each definition ARN: from the cache, else described. A running task names its
 * images but not its execution role, so every definition is described once; afterwards the cache answers.
 */
async function describeDefinitions(
  ecs: ECSClient,
  reads: Reads,
  serviceArns: string[],
  tasks: Task[],
): Promise<Map<string, TaskDefinitionImages>> {
  const wanted = new Set([...serviceArns, ...tasks.map((t) => t.taskDefinitionArn ?? '').filter(Boolean)]);
  const out = new Map<string, TaskDefinitionImages>();
  await Promise.all(
    [...wanted].map(async (arn) => {
      const cached = TASK_DEFINITION_CACHE.get(arn);
      if (cached) {
        out.set(arn, cached);
        return;
      }
      try {
        const described = await reads.call('ecs', 'DescribeTaskDefinition', () =>
          ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })),
        );
        const definition = described.taskDefinition;
        const images: TaskDefinitionImages = {
          executionRoleArn: definition?.executionRoleArn ?? null,
          containers: (definition?.containerDefinitions ?? []).flatMap((c) =>
            c.name && c.image ? [{ name: c.name, image: c.image }] : [],
          ),
        };
        if (TASK_DEFINITION_CACHE.size >= TASK_DEFINITION_CACHE_MAX) TASK_DEFINITION_CACHE.clear();
        TASK_DEFINITION_CACHE.set(arn, images);
        out.set(arn, images);
      } catch (error) {
        // A definition that cannot be described leaves its service with the images its tasks run.
        if (!(error instanceof ReadFailure)) throw error;
      }
    }),
  );
  return out;
}

/** For tests: forget the task definitions a previous run described. */
export function clearTaskDefinitionCache(): void {
  TASK_DEFINITION_CACHE.clear();
}

async function discoverLambda(
  lambda: LambdaClient,
  reads: Reads,
  problems: ReadFailure[],
): Promise<Workload[]> {
  const functions = await paginate(async (Marker) => {
    const out = await reads.call('lambda', 'ListFunctions', () =>
      lambda.send(new ListFunctionsCommand({ MaxItems: INVENTORY_API.lambdaListPage, Marker })),
    );
    return { items: out.Functions ?? [], next: out.NextMarker };
  });
  const images = functions.filter((f) => f.PackageType === 'Image' && f.FunctionName && f.FunctionArn);
  const described = await Promise.all(
    images.map(async (fn): Promise<Workload | null> => {
      try {
        const out = await reads.call('lambda', 'GetFunction', () =>
          lambda.send(new GetFunctionCommand({ FunctionName: fn.FunctionArn })),
        );
        const uri = out.Code?.ImageUri;
        if (!uri) return null;
        const resolved = out.Code?.ResolvedImageUri;
        const digest = resolved?.includes('@') ? resolved.slice(resolved.indexOf('@') + 1) : undefined;
        const arn = fn.FunctionArn as string;
        return {
          kind: 'lambda',
          name: fn.FunctionName as string,
          arn,
          account: accountOf(arn),
          puller: { service: 'lambda.amazonaws.com', sourceArn: arn },
          images: [
            { container: fn.FunctionName as string, image: uri, runningDigests: digest ? [digest] : [] },
          ],
        };
      } catch (error) {
        const failure = toReadFailure('GetFunction', error);
        // Deleted between the list and the read: nothing runs it any more.
        if (failure.kind !== 'not-found') problems.push(failure);
        return null;
      }
    }),
  );
  return described.filter((w): w is Workload => w !== null);
}

function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/**
 * Wire-level double of the reads the images-in-use inventory makes, on 127.0.0.1: ECR (AWS JSON 1.1:
 * DescribeImages, GetLifecyclePolicy, GetRepositoryPolicy), ECS (AWS JSON 1.1: ListClusters, ListServices,
 * DescribeServices, ListTasks, DescribeTasks, DescribeTaskDefinition) and Lambda (REST-JSON: ListFunctions,
 * GetFunction). Every request must carry a valid SigV4 signature (ecr-double.ts's own verifier), so real SDK
 * clients run their signing, pagination, error parsing and throttling retries against it. State is plain data the
 * test edits between runs; latency, throttling and denied accounts are injected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trackServerSockets } from './close-server.ts';
import { ECR_TARGET_PREFIX, verifySigV4 } from './ecr-double.ts';

export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export interface DoubleImage {
  digest: string;
  tags: string[];
  /** Epoch ms. */
  pushedAt: number;
  status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
  lastPulledAt?: number;
  lastArchivedAt?: number;
}

export interface DoubleRepository {
  images: DoubleImage[];
  lifecyclePolicy?: string;
  repositoryPolicy?: string;
}

export interface DoubleService {
  name: string;
  desiredCount: number;
  taskDefinition: string;
}

export interface DoubleTask {
  id: string;
  /** `service:NAME` for a service's task, `family:NAME` for a standalone one. */
  group: string;
  taskDefinition: string;
  containers: Array<{ name: string; image: string; imageDigest?: string }>;
}

export interface DoubleFunction {
  name: string;
  packageType: 'Image' | 'Zip';
  imageUri?: string;
  resolvedImageUri?: string;
}

export interface InventoryState {
  account: string;
  region: string;
  clusters: Record<string, { services: DoubleService[]; tasks: DoubleTask[] }>;
  taskDefinitions: Record<
    string,
    { executionRoleArn?: string; containers: Array<{ name: string; image: string }> }
  >;
  functions: DoubleFunction[];
  /** By `registryId/repositoryName`. */
  repositories: Record<string, DoubleRepository>;
}

export interface InventoryDoubleOptions {
  identities: Array<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  state: InventoryState;
  /** Each response waits a uniform random time in this range (ms). @default [0, 0] */
  latencyMs?: [number, number];
  /** Per-service token bucket: beyond it a call is throttled (ThrottlingException). @default none */
  rateLimit?: { perSecond: number; burst: number };
}

export interface InventoryCall {
  service: 'ecr' | 'ecs' | 'lambda';
  operation: string;
  status: number;
}

export interface InventoryDouble {
  url: string;
  state: InventoryState;
  readonly calls: InventoryCall[];
  /** Registries (account ids) whose ECR reads answer AccessDeniedException. */
  deniedRegistries: Set<string>;
  /** The next `times` calls of `service` are throttled. */
  throttleNext(service: 'ecr' | 'ecs' | 'lambda', times: number): void;
  close(): Promise<void>;
}

interface Failure {
  status: number;
  code: string;
  message: string;
}

const PAGE_DEFAULT = { ecs: 100, lambda: 50, ecr: 100 };

function page<T>(items: T[], token: unknown, max: unknown, fallback: number): { items: T[]; next?: string } {
  const start = typeof token === 'string' && token !== '' ? Number(token) : 0;
  const size = typeof max === 'number' ? max : typeof max === 'string' ? Number(max) : fallback;
  const end = start + size;
  return end < items.length
    ? { items: items.slice(start, end), next: String(end) }
    : { items: items.slice(start) };
}

export async function startInventoryDouble(options: InventoryDoubleOptions): Promise<InventoryDouble> {
  const state = options.state;
  const calls: InventoryCall[] = [];
  const deniedRegistries = new Set<string>();
  const throttles: Record<string, number> = { ecr: 0, ecs: 0, lambda: 0 };
  const buckets = new Map<string, { tokens: number; at: number }>();
  const [minLatency, maxLatency] = options.latencyMs ?? [0, 0];

  const limited = (service: string): boolean => {
    if ((throttles[service] ?? 0) > 0) {
      throttles[service] = (throttles[service] ?? 0) - 1;
      return true;
    }
    const rate = options.rateLimit;
    if (!rate) return false;
    const now = Date.now();
    const bucket = buckets.get(service) ?? { tokens: rate.burst, at: now };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * rate.perSecond);
    bucket.at = now;
    buckets.set(service, bucket);
    if (bucket.tokens < 1) return true;
    bucket.tokens -= 1;
    return false;
  };

  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${state.region}:${state.account}:${resource}`;
  const clusterArn = (name: string) => arn('ecs', `cluster/${name}`);
  const clusterOf = (value: unknown): [string, InventoryState['clusters'][string]] | null => {
    const name = String(value ?? 'default').replace(/^.*cluster\//, '');
    const cluster = state.clusters[name];
    return cluster ? [name, cluster] : null;
  };

  const ecs = (operation: string, input: Record<string, unknown>): unknown => {
    const clusterNotFound: Failure = {
      status: 400,
      code: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    };
    switch (operation) {
      case 'ListClusters': {
        const p = page(
          Object.keys(state.clusters).map(clusterArn),
          input.nextToken,
          input.maxResults,
          PAGE_DEFAULT.ecs,
        );
        return { clusterArns: p.items, ...(p.next ? { nextToken: p.next } : {}) };
      }
      case 'ListServices': {
        const found = clusterOf(input.cluster);
        if (!found) throw clusterNotFound;
        const [name, cluster] = found;
        const arns = cluster.services.map((s) => arn('ecs', `service/${name}/${s.name}`));
        const p = page(arns, input.nextToken, input.maxResults, 10);
        return { serviceArns: p.items, ...(p.next ? { nextToken: p.next } : {}) };
      }
      case 'DescribeServices': {
        const found = clusterOf(input.cluster);
        if (!found) throw clusterNotFound;
        const [name, cluster] = found;
        const wanted = (input.services as string[]) ?? [];
        if (wanted.length > 10)
          throw {
            status: 400,
            code: 'InvalidParameterException',
            message: 'services can have at most 10 items.',
          };
        const services = wanted.flatMap((ref) => {
          const s = cluster.services.find((x) => x.name === ref.replace(/^.*\//, ''));
          return s
            ? [
                {
                  serviceArn: arn('ecs', `service/${name}/${s.name}`),
                  serviceName: s.name,
                  clusterArn: clusterArn(name),
                  status: 'ACTIVE',
                  desiredCount: s.desiredCount,
                  runningCount: s.desiredCount,
                  taskDefinition: s.taskDefinition,
                  deployments: [
                    {
                      id: `ecs-svc/${s.name}`,
                      status: 'PRIMARY',
                      taskDefinition: s.taskDefinition,
                      desiredCount: s.desiredCount,
                    },
                  ],
                },
              ]
            : [];
        });
        return { services, failures: [] };
      }
      case 'ListTasks': {
        const found = clusterOf(input.cluster);
        if (!found) throw clusterNotFound;
        const [name, cluster] = found;
        const p = page(
          cluster.tasks.map((t) => arn('ecs', `task/${name}/${t.id}`)),
          input.nextToken,
          input.maxResults,
          100,
        );
        return { taskArns: p.items, ...(p.next ? { nextToken: p.next } : {}) };
      }
      case 'DescribeTasks': {
        const found = clusterOf(input.cluster);
        if (!found) throw clusterNotFound;
        const [name, cluster] = found;
        const wanted = (input.tasks as string[]) ?? [];
        if (wanted.length > 100)
          throw {
            status: 400,
            code: 'InvalidParameterException',
            message: 'tasks can have at most 100 items.',
          };
        const tasks = wanted.flatMap((ref) => {
          const t = cluster.tasks.find((x) => x.id === ref.replace(/^.*\//, ''));
          return t
            ? [
                {
                  taskArn: arn('ecs', `task/${name}/${t.id}`),
                  clusterArn: clusterArn(name),
                  group: t.group,
                  taskDefinitionArn: t.taskDefinition,
                  lastStatus: 'RUNNING',
                  desiredStatus: 'RUNNING',
                  containers: t.containers.map((c) => ({ ...c, lastStatus: 'RUNNING' })),
                },
              ]
            : [];
        });
        return { tasks, failures: [] };
      }
      case 'DescribeTaskDefinition': {
        const ref = String(input.taskDefinition);
        const definition = state.taskDefinitions[ref];
        if (!definition)
          throw { status: 400, code: 'ClientException', message: 'Unable to describe task definition.' };
        return {
          taskDefinition: {
            taskDefinitionArn: ref,
            ...(definition.executionRoleArn ? { executionRoleArn: definition.executionRoleArn } : {}),
            containerDefinitions: definition.containers,
          },
        };
      }
      default:
        throw { status: 400, code: 'UnknownOperationException', message: operation };
    }
  };

  const ecr = (operation: string, input: Record<string, unknown>): unknown => {
    const registryId = String(input.registryId ?? state.account);
    const name = String(input.repositoryName);
    if (deniedRegistries.has(registryId))
      throw {
        status: 400,
        code: 'AccessDeniedException',
        message: `User: arn:aws:sts::${state.account}:assumed-role/inventory/fn is not authorized to perform: ecr:${operation} on resource: arn:aws:ecr:${state.region}:${registryId}:repository/${name} because no resource-based policy allows the ecr:${operation} action`,
      };
    const repository = state.repositories[`${registryId}/${name}`];
    if (!repository)
      throw {
        status: 400,
        code: 'RepositoryNotFoundException',
        message: `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
      };
    switch (operation) {
      case 'DescribeImages': {
        const filter = (input.filter ?? {}) as { imageStatus?: string };
        const wantedStatus = filter.imageStatus ?? 'ACTIVE';
        const images = repository.images.filter(
          (i) => wantedStatus === 'ANY' || (i.status ?? 'ACTIVE') === wantedStatus,
        );
        const max = Number(input.maxResults ?? PAGE_DEFAULT.ecr);
        if (max > 1000)
          throw {
            status: 400,
            code: 'InvalidParameterException',
            message: 'maxResults must be at most 1000',
          };
        const p = page(images, input.nextToken, max, PAGE_DEFAULT.ecr);
        return {
          imageDetails: p.items.map((i) => ({
            registryId,
            repositoryName: name,
            imageDigest: i.digest,
            ...(i.tags.length ? { imageTags: i.tags } : {}),
            imagePushedAt: i.pushedAt / 1000,
            imageStatus: i.status ?? 'ACTIVE',
            ...(i.lastPulledAt ? { lastRecordedPullTime: i.lastPulledAt / 1000 } : {}),
            ...(i.lastArchivedAt ? { lastArchivedAt: i.lastArchivedAt / 1000 } : {}),
          })),
          ...(p.next ? { nextToken: p.next } : {}),
        };
      }
      case 'GetLifecyclePolicy':
        if (!repository.lifecyclePolicy)
          throw {
            status: 400,
            code: 'LifecyclePolicyNotFoundException',
            message: `Lifecycle policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`,
          };
        return { registryId, repositoryName: name, lifecyclePolicyText: repository.lifecyclePolicy };
      case 'GetRepositoryPolicy':
        if (!repository.repositoryPolicy)
          throw {
            status: 400,
            code: 'RepositoryPolicyNotFoundException',
            message: `Repository policy does not exist for the repository with name '${name}' in the registry with id '${registryId}'`,
          };
        return { registryId, repositoryName: name, policyText: repository.repositoryPolicy };
      default:
        throw { status: 400, code: 'UnknownOperationException', message: operation };
    }
  };

  const lambda = (
    method: string,
    path: string,
    query: URLSearchParams,
  ): { operation: string; body: unknown } => {
    if (method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(path)) {
      const p = page(
        state.functions,
        query.get('Marker') ?? undefined,
        query.get('MaxItems') ?? undefined,
        PAGE_DEFAULT.lambda,
      );
      return {
        operation: 'ListFunctions',
        body: {
          Functions: p.items.map((f) => ({
            FunctionName: f.name,
            FunctionArn: arn('lambda', `function:${f.name}`),
            PackageType: f.packageType,
          })),
          ...(p.next ? { NextMarker: p.next } : {}),
        },
      };
    }
    const get = /^\/2015-03-31\/functions\/([^/]+)$/.exec(path);
    if (method === 'GET' && get) {
      const name = decodeURIComponent(get[1] as string).replace(/^arn:.*:function:/, '');
      const fn = state.functions.find((f) => f.name === name);
      if (!fn)
        throw {
          status: 404,
          code: 'ResourceNotFoundException',
          message: `Function not found: ${arn('lambda', `function:${name}`)}`,
        };
      return {
        operation: 'GetFunction',
        body: {
          Configuration: {
            FunctionName: fn.name,
            FunctionArn: arn('lambda', `function:${fn.name}`),
            PackageType: fn.packageType,
          },
          Code: {
            RepositoryType: 'ECR',
            ...(fn.imageUri ? { ImageUri: fn.imageUri } : {}),
            ...(fn.resolvedImageUri ? { ResolvedImageUri: fn.resolvedImageUri } : {}),
          },
        },
      };
    }
    throw { status: 404, code: 'UnknownOperationException', message: `${method} ${path}` };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = String(req.headers['x-amz-target'] ?? '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service: InventoryCall['service'] = target.startsWith(ECR_TARGET_PREFIX)
      ? 'ecr'
      : target.startsWith(ECS_TARGET_PREFIX)
        ? 'ecs'
        : 'lambda';
    const call: InventoryCall = {
      service,
      operation: target.replace(/^.*\./, '') || `${req.method} ${url.pathname}`,
      status: 0,
    };
    calls.push(call);
    if (maxLatency > 0)
      await new Promise((r) => setTimeout(r, minLatency + Math.random() * (maxLatency - minLatency)));
    const json = service === 'lambda' ? 'application/json' : 'application/x-amz-json-1.1';
    const fail = (failure: Failure) => {
      call.status = failure.status;
      res.statusCode = failure.status;
      res.setHeader('content-type', json);
      res.setHeader('x-amzn-errortype', failure.code);
      res.end(
        JSON.stringify(
          service === 'lambda'
            ? { Type: 'User', message: failure.message }
            : { __type: failure.code, message: failure.message },
        ),
      );
    };
    const verified = verifySigV4(req, body, options.identities);
    if (!verified.ok)
      return fail({ status: 403, code: 'InvalidSignatureException', message: verified.reason });
    if (verified.service !== service)
      return fail({
        status: 403,
        code: 'InvalidSignatureException',
        message: `signed for ${verified.service}, sent to ${service}`,
      });
    if (limited(service))
      return fail(
        service === 'lambda'
          ? { status: 429, code: 'TooManyRequestsException', message: 'Rate exceeded' }
          : { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' },
      );
    try {
      let output: unknown;
      if (service === 'lambda') {
        const answer = lambda(req.method ?? 'GET', url.pathname, url.searchParams);
        call.operation = answer.operation;
        output = answer.body;
      } else {
        const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
        output = service === 'ecr' ? ecr(call.operation, input) : ecs(call.operation, input);
      }
      call.status = 200;
      res.statusCode = 200;
      res.setHeader('content-type', json);
      res.end(JSON.stringify(output));
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error) return fail(error as Failure);
      return fail({ status: 500, code: 'InternalFailure', message: String(error) });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  const closer = trackServerSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    calls,
    deniedRegistries,
    throttleNext(service, times) {
      throttles[service] = times;
    },
    close: () => closer.close(),
  };
}

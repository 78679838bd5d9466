/**
 * The images-in-use inventory at the issue's scale (issue 25): 2,000 ECS services and 5,000 distinct images in one
 * region, against the wire doubles (test/support/inventory-double.ts) with 30–80 ms per call, through the real SDK
 * clients (SigV4, pagination, adaptive retries). Reports the calls by operation beside the count formula
 * (lambda/engine/inventory/calls.ts), the wall time against the 5-minute target, and the same once more with ECS
 * throttling at a stated 20 requests/s (burst 100), to show the run backs off instead of failing.
 *
 * `node --import tsx bench/inventory.ts` runs it alone; `npm run bench` includes it.
 */
import { fileURLToPath } from 'node:url';
import { expectedCalls } from '../lambda/engine/inventory/calls.ts';
import { clearTaskDefinitionCache } from '../lambda/engine/inventory/discover.ts';
import { type InventoryState, startInventoryDouble } from '../test/support/inventory-double.ts';
import {
  ACCOUNT,
  addService,
  DAY,
  digest,
  emptyState,
  host,
  IDENTITY,
  inventory,
  OTHER_ACCOUNT,
  roleArn,
} from '../test/support/inventory-fixtures.ts';

const SERVICES = 2000;
const CLUSTERS = 20;
const FUNCTIONS = 1000;
const REPOSITORIES = 500;
/** Images in each repository beyond the ones in use, which a count rule counts too. */
const SPARE_IMAGES = 20;
const TARGET_MS = 5 * 60_000;
const NOW = Date.UTC(2026, 11, 7, 12);

/**
 * Every service runs two containers (an app and a sidecar image of its own) and every function one image: 2 × 2,000 +
 * 1,000 = 5,000 distinct images, spread over 500 repositories, a tenth of them in another account and half with a
 * lifecycle policy.
 */
function region(): { state: InventoryState; images: number } {
  const state = emptyState();
  const perRepository = new Map<number, number>();
  let images = 0;
  const nextImage = (): string => {
    const repo = images % REPOSITORIES;
    perRepository.set(repo, (perRepository.get(repo) ?? 0) + 1);
    const account = repo % 10 === 0 ? OTHER_ACCOUNT : ACCOUNT;
    const tag = `v${images}`;
    const key = `${account}/repo-${repo}`;
    state.repositories[key] ??= {
      images: [],
      ...(repo % 2 === 0
        ? {
            lifecyclePolicy: JSON.stringify({
              rules: [
                {
                  rulePriority: 1,
                  description: 'Expire untagged after 14 days',
                  selection: {
                    tagStatus: 'untagged',
                    countType: 'sinceImagePushed',
                    countUnit: 'days',
                    countNumber: 14,
                  },
                  action: { type: 'expire' },
                },
              ],
            }),
          }
        : {}),
      ...(account === OTHER_ACCOUNT
        ? {
            repositoryPolicy: JSON.stringify({
              Statement: [
                {
                  Effect: 'Allow',
                  Principal: { AWS: ACCOUNT },
                  Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                },
                // Lambda pulls with its service principal on the function's behalf.
                {
                  Effect: 'Allow',
                  Principal: { Service: 'lambda.amazonaws.com' },
                  Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
                  Condition: { StringLike: { 'aws:sourceArn': `arn:aws:lambda:*:${ACCOUNT}:function:*` } },
                },
              ],
            }),
          }
        : {}),
    };
    state.repositories[key]?.images.push({ digest: digest(tag), tags: [tag], pushedAt: NOW - DAY });
    images += 1;
    return `${host(account)}/repo-${repo}:${tag}`;
  };
  for (let i = 0; i < SERVICES; i++) {
    const app = nextImage();
    const sidecar = nextImage();
    addService(state, {
      cluster: `cluster-${i % CLUSTERS}`,
      name: `svc-${i}`,
      image: app,
      runningDigest: digest(app.slice(app.lastIndexOf(':') + 1)),
      executionRole: roleArn('exec'),
    });
    // The sidecar: a second container in the same definition.
    const td = state.clusters[`cluster-${i % CLUSTERS}`]?.services.at(-1)?.taskDefinition ?? '';
    state.taskDefinitions[td]?.containers.push({ name: 'sidecar', image: sidecar });
  }
  for (let i = 0; i < FUNCTIONS; i++) {
    const image = nextImage();
    state.functions.push({ name: `fn-${i}`, packageType: 'Image', imageUri: image });
  }
  for (const repository of Object.values(state.repositories)) {
    for (let s = 0; s < SPARE_IMAGES; s++)
      repository.images.push({ digest: digest(`${Math.random()}`), tags: [], pushedAt: NOW - (s + 1) * DAY });
  }
  return { state, images };
}

async function once(label: string, rateLimit?: { perSecond: number; burst: number }): Promise<string[]> {
  const { state, images } = region();
  const double = await startInventoryDouble({
    identities: [IDENTITY],
    state,
    latencyMs: [30, 80],
    ...(rateLimit ? { rateLimit } : {}),
  });
  clearTaskDefinitionCache();
  try {
    const started = performance.now();
    const report = await inventory(double, { now: NOW });
    const wallMs = performance.now() - started;
    const formula = expectedCalls({
      clusters: Array.from({ length: CLUSTERS }, () => ({
        services: SERVICES / CLUSTERS,
        runningTasks: SERVICES / CLUSTERS,
      })),
      taskDefinitions: SERVICES,
      functions: FUNCTIONS,
      imageFunctions: FUNCTIONS,
      repositories: Object.keys(state.repositories).map((key) => ({
        images: state.repositories[key]?.images.length ?? 0,
        crossAccount: key.startsWith(OTHER_ACCOUNT),
      })),
    });
    const verdicts = report.checks.reduce<Record<string, number>>((acc, c) => {
      acc[c.status] = (acc[c.status] ?? 0) + 1;
      return acc;
    }, {});
    const ok = wallMs <= TARGET_MS;
    return [
      `  ${label}:`,
      `    ${SERVICES} services in ${CLUSTERS} clusters, ${FUNCTIONS} Lambda image functions, ${images} distinct images in ${Object.keys(state.repositories).length} repositories`,
      `    calls ${report.callsTotal} (formula ${formula}), throttled and retried ${report.retriedResponses}: ${Object.entries(
        report.calls,
      )
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}`,
      `    verdicts ${JSON.stringify(verdicts)}, at risk ${report.atRiskTotal}`,
      `    wall time ${(wallMs / 1000).toFixed(1)} s: ${ok ? 'PASS' : 'MISS'} (target ≤ ${TARGET_MS / 60_000} min); heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    ];
  } finally {
    await double.close();
  }
}

export async function benchInventory(): Promise<string[]> {
  return [
    'images-in-use inventory (issue 25), against the ECS/Lambda/ECR doubles, 30-80 ms per call, 8 calls at once per service:',
    ...(await once('no throttling')),
    ...(await once('ECS throttled at a stated 20 requests/s, burst 100', { perSecond: 20, burst: 100 })),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log((await benchInventory()).join('\n'));
}

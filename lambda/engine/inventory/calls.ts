/**
 * How many API calls one inventory makes, from the shape of the region (docs/inventory.md states it; the engine
 * test and the benchmark compare it with the calls counted):
 *
 *   ListClusters ⌈C/100⌉
 *   + Σ clusters (ListServices ⌈S/100⌉ + DescribeServices ⌈S/10⌉ + ListTasks ⌈T/100⌉ + DescribeTasks ⌈T/100⌉)
 *   + DescribeTaskDefinition D (distinct definitions of services and running tasks, not cached by a warm function)
 *   + ListFunctions ⌈F/50⌉ + GetFunction Fi (functions of package type Image)
 *   + Σ repositories in use (DescribeImages ⌈N/1000⌉ + GetLifecyclePolicy 1 + GetRepositoryPolicy 1 if another account's)
 *
 * where a list of nothing still takes one call (⌈0/n⌉ counts as 1 for the List calls), and N is every image in the
 * repository (a count rule counts them all). Throttled retries come on top; they are counted apart.
 */
import { INVENTORY_API } from '../model/limits.ts';

export interface RegionShape {
  clusters: Array<{ services: number; runningTasks: number }>;
  taskDefinitions: number;
  functions: number;
  imageFunctions: number;
  repositories: Array<{ images: number; crossAccount: boolean }>;
}

const pages = (items: number, size: number) => Math.max(1, Math.ceil(items / size));
const batches = (items: number, size: number) => Math.ceil(items / size);

export function expectedCalls(shape: RegionShape): number {
  const api = INVENTORY_API;
  const ecs =
    pages(shape.clusters.length, api.ecsListPage) +
    shape.clusters.reduce(
      (sum, c) =>
        sum +
        pages(c.services, api.ecsListPage) +
        batches(c.services, api.ecsDescribeServices) +
        pages(c.runningTasks, api.ecsListPage) +
        batches(c.runningTasks, api.ecsDescribeTasks),
      0,
    ) +
    shape.taskDefinitions;
  const lambda = pages(shape.functions, api.lambdaListPage) + shape.imageFunctions;
  const ecr = shape.repositories.reduce(
    (sum, r) => sum + pages(r.images, api.ecrDescribeImagesPage) + 1 + (r.crossAccount ? 1 : 0),
    0,
  );
  return ecs + lambda + ecr;
}

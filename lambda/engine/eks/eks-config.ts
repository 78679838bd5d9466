/**
 * The EKS watch function's configuration from its environment (lib/workload-watch.ts writes it): the workload
 * watch's own settings, plus which clusters and whether the function runs in a VPC. All problems at once, each
 * naming the variable, the value and what is allowed.
 */
import { EKS_ALL_CLUSTERS, EKS_CLUSTER_NAME, EKS_WATCH_ENV } from '../model/eks-contract.ts';
import { readWatchConfig } from '../watch/watch-config.ts';
import type { EksWatchConfig } from './eks-run.ts';

const names = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((name) => typeof name === 'string' && EKS_CLUSTER_NAME.test(name));

export function readEksWatchConfig(env: NodeJS.ProcessEnv, data: unknown): EksWatchConfig {
  const problems: string[] = [];
  let base: ReturnType<typeof readWatchConfig> | undefined;
  try {
    // The canary's target names come from the function's code (`data`, lambda/functions/code-data-file.ts).
    base = readWatchConfig(env, data);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const parse = (variable: string, fallback: string): unknown => {
    const raw = env[variable] ?? fallback;
    try {
      return JSON.parse(raw);
    } catch {
      return Symbol.for(raw.slice(0, 200));
    }
  };
  const clusters = parse(EKS_WATCH_ENV.clusters, '[]');
  if (clusters !== EKS_ALL_CLUSTERS && !names(clusters)) {
    problems.push(
      `${EKS_WATCH_ENV.clusters}=${String(env[EKS_WATCH_ENV.clusters]).slice(0, 200)}: allowed: "${EKS_ALL_CLUSTERS}" or a JSON array of EKS cluster names`,
    );
  }
  const exclude = parse(EKS_WATCH_ENV.exclude, '[]');
  if (!names(exclude)) {
    problems.push(
      `${EKS_WATCH_ENV.exclude}=${String(env[EKS_WATCH_ENV.exclude]).slice(0, 200)}: allowed: a JSON array of EKS cluster names`,
    );
  }
  if (problems.length > 0 || !base)
    throw new Error(`invalid EKS watch configuration: ${problems.join('; ')}`);
  return {
    ...base,
    clusters: clusters as EksWatchConfig['clusters'],
    exclude: exclude as string[],
    inVpc: env[EKS_WATCH_ENV.inVpc] === 'true',
  };
}

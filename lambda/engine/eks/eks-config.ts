/**
 * The EKS watch function's configuration from its environment and the data file in its code (lib/eks-watch.ts
 * writes both): the workload watch's own settings, which clusters (code) and whether the function runs in a VPC
 * (environment). All problems at once, each naming the variable, the value and what is allowed.
 */
import { CODE_DATA } from '../model/code-data.ts';
import {
  EKS_ALL_CLUSTERS,
  EKS_CLUSTER_NAME,
  EKS_WATCH_ENV,
  type EksWatchCodeData,
} from '../model/eks-contract.ts';
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
  // The cluster lists come from the function's code too: they outgrow Lambda's 4 KB environment.
  const fromCode = (data ?? {}) as Partial<Record<keyof EksWatchCodeData, unknown>>;
  const clusters = fromCode.clusters ?? [];
  if (clusters !== EKS_ALL_CLUSTERS && !names(clusters)) {
    problems.push(
      `${CODE_DATA.file} clusters=${JSON.stringify(clusters).slice(0, 200)}: allowed: "${EKS_ALL_CLUSTERS}" or a list of EKS cluster names`,
    );
  }
  const exclude = fromCode.exclude ?? [];
  if (!names(exclude)) {
    problems.push(
      `${CODE_DATA.file} exclude=${JSON.stringify(exclude).slice(0, 200)}: allowed: a list of EKS cluster names`,
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

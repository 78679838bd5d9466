import { WORKLOAD_WATCH_DEFAULTS } from '../../lambda/model/limits.ts';
import { checkBoolean, checkKeys, isObject, type Problems } from '../validation.ts';
import { WORKLOAD_WATCH_KEYS, type WorkloadWatchConfig } from './schema.ts';

/**
 * `workloadWatch`: an object with the two switches, each a boolean; absent keys take the defaults. Self-contained,
 * so the configuration validator calls it with one line and the construct needs no validation of its own.
 */
export function checkWorkloadWatch(p: Problems, path: string, value: unknown): Required<WorkloadWatchConfig> {
  if (value === undefined) return { ...WORKLOAD_WATCH_DEFAULTS };
  if (!isObject(value)) {
    p.add(path, value, `allowed: an object with ${WORKLOAD_WATCH_KEYS.join(', ')} (each true or false)`);
    return { ...WORKLOAD_WATCH_DEFAULTS };
  }
  checkKeys(p, path, value, WORKLOAD_WATCH_KEYS);
  const ecsTasks = value.ecsTasks ?? WORKLOAD_WATCH_DEFAULTS.ecsTasks;
  const ecrApiCalls = value.ecrApiCalls ?? WORKLOAD_WATCH_DEFAULTS.ecrApiCalls;
  checkBoolean(p, `${path}.ecsTasks`, ecsTasks);
  checkBoolean(p, `${path}.ecrApiCalls`, ecrApiCalls);
  return { ecsTasks: ecsTasks === true, ecrApiCalls: ecrApiCalls === true };
}

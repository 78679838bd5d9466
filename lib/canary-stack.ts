import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WORKLOAD_WATCH_DEFAULTS } from '../lambda/engine/model/limits.ts';
import { EcrPullCanary, type EcrPullCanaryProps } from './ecr-pull-canary.ts';
import { WorkloadWatch, type WorkloadWatchProps } from './workload-watch.ts';

export interface CanaryStackProps extends StackProps {
  readonly canary: EcrPullCanaryProps;
  /**
   * The workload watcher beside the canary; off when both of its parts are off.
   * @default - ECS tasks watched, ECR API calls not (WORKLOAD_WATCH_DEFAULTS in lambda/engine/model/limits.ts)
   */
  readonly workloadWatch?: Omit<WorkloadWatchProps, 'canary'>;
}

/** One region's canary: the stack the app deploys once per configured region. */
export class CanaryStack extends Stack {
  readonly canary: EcrPullCanary;
  readonly workloadWatch?: WorkloadWatch;

  constructor(scope: Construct, id: string, props: CanaryStackProps) {
    super(scope, id, props);
    this.canary = new EcrPullCanary(this, 'Canary', props.canary);
    const watch = {
      ecsTasks: props.workloadWatch?.ecsTasks ?? WORKLOAD_WATCH_DEFAULTS.ecsTasks,
      ecrApiCalls: props.workloadWatch?.ecrApiCalls ?? WORKLOAD_WATCH_DEFAULTS.ecrApiCalls,
    };
    if (watch.ecsTasks || watch.ecrApiCalls) {
      this.workloadWatch = new WorkloadWatch(this, 'WorkloadWatch', {
        ...props.workloadWatch,
        ...watch,
        canary: this.canary,
      });
    }
  }
}

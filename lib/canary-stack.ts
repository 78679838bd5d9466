import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { EcrPullCanary, type EcrPullCanaryProps } from './ecr-pull-canary.ts';

export interface CanaryStackProps extends StackProps {
  readonly canary: EcrPullCanaryProps;
}

/** One region's canary: the stack the app deploys once per configured region. */
export class CanaryStack extends Stack {
  readonly canary: EcrPullCanary;

  constructor(scope: Construct, id: string, props: CanaryStackProps) {
    super(scope, id, props);
    this.canary = new EcrPullCanary(this, 'Canary', props.canary);
  }
}

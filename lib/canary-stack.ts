import { CfnOutput, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Problems } from '../lambda/engine/config/validation.ts';
import { STACK_OUTPUTS } from '../lambda/engine/model/deployment.ts';
import { WORKLOAD_WATCH_DEFAULTS } from '../lambda/engine/model/limits.ts';
import { EcrPullCanary, type EcrPullCanaryProps } from './ecr-pull-canary.ts';
import { eksWatchEnabled } from './eks-watch.ts';
import { ImageInventory, type ImageInventoryProps } from './image-inventory.ts';
import { checkStackProps, propKeys } from './props.ts';
import { WorkloadWatch, type WorkloadWatchProps } from './workload-watch.ts';

export interface CanaryStackProps extends StackProps {
  readonly canary: EcrPullCanaryProps;
  /**
   * The workload watcher beside the canary; off when all of its parts are off.
   * @default - ECS tasks watched, ECR API calls not (WORKLOAD_WATCH_DEFAULTS in lambda/engine/model/limits.ts)
   */
  readonly workloadWatch?: Omit<WorkloadWatchProps, 'canary'>;
  /**
   * The hash of the configuration this stack is built from (lambda/engine/model/deployment.ts configurationHash), an
   * Output `ecr-pull-canary status` compares with the configuration it reads.
   * @default - no such Output: status cannot tell whether the stack is current
   */
  readonly configurationHash?: string;
  /**
   * The hash of the same configuration as its file wrote it, before defaults (lambda/engine/model/deployment.ts
   * writtenConfigurationHash): with {@link toolVersion}, status tells a changed configuration from new defaults.
   * @default - no such Output
   */
  readonly writtenConfigurationHash?: string;
  /**
   * The ecr-pull-canary version that synthesized the stack (lib/tool-version.ts), an Output status reads.
   * @default - no such Output
   */
  readonly toolVersion?: string;
  /**
   * The images-in-use inventory beside the canary (`{}` for its defaults: every 30 minutes, a 7-day lifecycle
   * horizon); `null` or absent leaves it out.
   * @default - none (INVENTORY_DEFAULTS.enabled in lambda/engine/model/limits.ts)
   */
  readonly imageInventory?: Omit<ImageInventoryProps, 'canary'> | null;
}

/** CanaryStack's own props (beside StackProps): the compiler holds the list complete. */
const CANARY_STACK_PROP_KEYS = propKeys<Omit<CanaryStackProps, keyof StackProps>>()([
  'canary',
  'workloadWatch',
  'configurationHash',
  'writtenConfigurationHash',
  'toolVersion',
  'imageInventory',
]);

/** One region's canary: the stack the app deploys once per configured region. */
export class CanaryStack extends Stack {
  readonly canary: EcrPullCanary;
  readonly workloadWatch?: WorkloadWatch;
  readonly imageInventory?: ImageInventory;

  constructor(scope: Construct, id: string, props: CanaryStackProps) {
    super(scope, id, props);
    const p = new Problems(Token.isUnresolved);
    checkStackProps(this, p, props, CANARY_STACK_PROP_KEYS, 'CanaryStack');
    if (!p.empty) throw new Error(`Invalid CanaryStack properties:\n  ${p.lines.join('\n  ')}`);
    this.canary = new EcrPullCanary(this, 'Canary', props.canary);
    const watch = {
      ecsTasks: props.workloadWatch?.ecsTasks ?? WORKLOAD_WATCH_DEFAULTS.ecsTasks,
      ecrApiCalls: props.workloadWatch?.ecrApiCalls ?? WORKLOAD_WATCH_DEFAULTS.ecrApiCalls,
    };
    if (watch.ecsTasks || watch.ecrApiCalls || eksWatchEnabled(props.workloadWatch?.eks)) {
      this.workloadWatch = new WorkloadWatch(this, 'WorkloadWatch', {
        ...props.workloadWatch,
        ...watch,
        canary: this.canary,
      });
    }
    if (props.imageInventory) {
      this.imageInventory = new ImageInventory(this, 'ImageInventory', {
        ...props.imageInventory,
        canary: this.canary,
      });
    }
    this.addOutputs(props);
  }

  /** What `ecr-pull-canary status` and `drill` read with one DescribeStacks (lambda/engine/model/deployment.ts). */
  private addOutputs({ configurationHash, writtenConfigurationHash, toolVersion }: CanaryStackProps): void {
    const outputs: Array<[string, string, string]> = [
      [
        STACK_OUTPUTS.scheduleName,
        this.canary.probeSchedule.scheduleName,
        'The schedule that runs the probe',
      ],
      [STACK_OUTPUTS.topicArn, this.canary.topic.topic.topicArn, 'The topic the alarms notify'],
    ];
    if (configurationHash !== undefined) {
      outputs.push([
        STACK_OUTPUTS.configurationHash,
        configurationHash,
        'Hash of the configuration deployed',
      ]);
    }
    if (writtenConfigurationHash !== undefined) {
      outputs.push([
        STACK_OUTPUTS.writtenConfigurationHash,
        writtenConfigurationHash,
        'Hash of the configuration deployed, as written (before defaults)',
      ]);
    }
    if (toolVersion !== undefined) {
      outputs.push([
        STACK_OUTPUTS.toolVersion,
        toolVersion,
        'The ecr-pull-canary version that synthesized this stack',
      ]);
    }
    if (this.workloadWatch?.ecsRule) {
      outputs.push([STACK_OUTPUTS.ecsRuleName, this.workloadWatch.ecsRule.ruleName, 'The ECS task rule']);
    }
    if (this.workloadWatch?.ecrApiRule) {
      outputs.push([
        STACK_OUTPUTS.ecrApiRuleName,
        this.workloadWatch.ecrApiRule.ruleName,
        'The ECR API rule',
      ]);
    }
    for (const [id, value, description] of outputs) new CfnOutput(this, id, { value, description });
  }
}

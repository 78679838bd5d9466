/**
 * Entry point of the EKS part of the workload watch: an EventBridge schedule invokes it every few minutes
 * (lib/workload-watch.ts). A thin adapter: it reads the configuration, builds the SDK-backed EKS port and outputs
 * and hands them to {@link runEksWatch}. It never throws: a thrown error would only be retried into the next run.
 */
import { DescribeClusterCommand, EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import { type ClusterInfo, clusterInfo, type EksApi } from '../../engine/eks/clusters.ts';
import { readEksWatchConfig } from '../../engine/eks/eks-config.ts';
import { type EksRunSummary, runEksWatch } from '../../engine/eks/eks-run.ts';
import { dynamoDbIndexStore } from '../../engine/eks/index-store.ts';
import { OUTPUT_CLIENT_CONFIG } from '../../engine/outputs/client-config.ts';
import type { PublishedMessage } from '../../engine/outputs/ports.ts';
import { snsNotifier } from '../../engine/outputs/sns-notifier.ts';
import { dynamoDbStateStore } from '../../engine/outputs/state-store.ts';
import { readCodeData } from '../code-data-file.ts';
import { type OutputClients, outputClients } from '../output-clients.ts';
import { logRunFailure } from '../run-failed.ts';

let eksClient: EKSClient | undefined;

function clients(): OutputClients & { eks: EKSClient } {
  eksClient ??= new EKSClient(OUTPUT_CLIENT_CONFIG);
  return { ...outputClients(), eks: eksClient };
}

/** The two EKS calls over the SDK client. */
export function sdkEksApi(client: EKSClient): EksApi {
  return {
    async listClusters(signal) {
      const names: string[] = [];
      for await (const page of paginateListClusters({ client }, {}, { abortSignal: signal })) {
        names.push(...(page.clusters ?? []));
      }
      return names;
    },
    async describeCluster(name, signal): Promise<ClusterInfo> {
      const output = await client.send(new DescribeClusterCommand({ name }), { abortSignal: signal });
      return clusterInfo(output.cluster ?? { name });
    },
  };
}

const write = (line: string) => process.stdout.write(`${line}\n`);

export async function handler(): Promise<EksRunSummary | { failed: string }> {
  try {
    const config = readEksWatchConfig(process.env, readCodeData(process.env));
    const { metrics, sns, dynamodb, eks } = clients();
    return await runEksWatch(config, {
      eks: sdkEksApi(eks),
      credentials: () => eks.config.credentials(),
      metrics,
      notifier: config.topicArn ? snsNotifier<PublishedMessage>(sns, config.topicArn) : null,
      store: config.stateTable ? dynamoDbStateStore(dynamodb, config.stateTable, Date.now) : null,
      index: config.stateTable ? dynamoDbIndexStore(dynamodb, config.stateTable, Date.now) : null,
      now: Date.now,
      write,
    });
  } catch (error) {
    return { failed: logRunFailure(write, 'eks-watch-failed', error) };
  }
}

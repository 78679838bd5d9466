import { type RunSummary, runCanary } from '../../engine/canary-run.ts';
import { readHandlerConfig } from '../../engine/handler-config.ts';
import { FIRST_RUN } from '../../engine/model/contract.ts';
import type { TargetState } from '../../engine/outputs/dedup.ts';
import { snsNotifier } from '../../engine/outputs/sns-notifier.ts';
import { dynamoDbStateStore } from '../../engine/outputs/state-store.ts';
import { type AwsClientFactory, createAwsClientFactory } from '../../engine/probe/aws-clients.ts';
import { probeTargets } from '../../engine/probe/probe.ts';
import {
  type CustomResourceEvent,
  type CustomResourceResponse,
  isCustomResourceEvent,
  RESPONSE_MARGIN_MS,
  responseFor,
  sendResponse,
} from '../cfn-response.ts';
import { readCodeData } from '../code-data-file.ts';
import { type OutputClients, outputClients } from '../output-clients.ts';

/** Time kept back from a relayed first run for returning its answer and the logging around it. */
const RELAY_MARGIN_MS = 2000;

/** The part of the Lambda context the canary uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

/** The probe's clients and last-known dedup states: created on the first invocation, kept while the container is warm. */
interface WarmState {
  probe: AwsClientFactory;
  /** Last-known dedup states, kept while the container is warm (see lambda/engine/outputs/notify.ts). */
  lastKnown: Map<string, TargetState>;
}

/** No configuration is read here. */
let warm: WarmState | undefined;

function clients(): WarmState & OutputClients {
  warm ??= { probe: createAwsClientFactory(), lastKnown: new Map() };
  return { ...warm, ...outputClients() };
}

/**
 * Entry point, a thin adapter from the Lambda event to {@link runCanary}: a scheduled run, or the deploy-time
 * first run when CloudFormation invokes the function as a custom resource ({@link firstRun}). It reads the
 * configuration and builds the SDK-backed outputs; everything else is in `runCanary`.
 */
export async function handler(
  event: unknown,
  context: InvocationContext,
): Promise<RunSummary | RelayedAnswer | null> {
  if (isCustomResourceEvent(event)) return firstRun(event, context);
  return run(context.getRemainingTimeInMillis());
}

function run(remainingMs: number): Promise<RunSummary> {
  const config = readHandlerConfig(process.env, readCodeData(process.env));
  const { probe, metrics, sns, dynamodb, lastKnown } = clients();
  return runCanary(config, remainingMs, {
    probe: (targets, options) => probeTargets(targets, options, { clients: probe, now: Date.now }),
    metrics,
    notifier: config.topicArn ? snsNotifier(sns, config.topicArn) : null,
    store: config.stateTable ? dynamoDbStateStore(dynamodb, config.stateTable, Date.now) : null,
    lastKnown,
    now: Date.now,
    write: (line) => process.stdout.write(`${line}\n`),
  });
}

/**
 * What the first run returns to a relay outside the VPC (the CDK Provider framework's onEvent contract: the
 * physical ID and the attributes; a failure is thrown, and the relay answers FAILED with its message).
 */
export interface RelayedAnswer {
  PhysicalResourceId: string;
  Data?: Record<string, string>;
}

/**
 * The deploy-time first run ({@link FIRST_RUN}): one ordinary run, so its metrics exist before the heartbeat
 * alarm does, then the answer to CloudFormation within the time the reply may need. A failed probe is a
 * verdict and still SUCCESS; only a canary that cannot run at all fails the deployment. Delete runs nothing.
 * Asked to return the answer (`answer: "return"`, a relay outside the VPC sends it), it returns it, or throws
 * the failure's reason; otherwise it PUTs the answer and never throws: a lost answer would leave the stack
 * waiting for the resource's service timeout.
 */
async function firstRun(
  event: CustomResourceEvent,
  context: InvocationContext,
): Promise<RunSummary | RelayedAnswer | null> {
  const relayed = event.ResourceProperties?.[FIRST_RUN.properties.answer] === FIRST_RUN.answerByReturn;
  // A relay sends the answer itself: no PUT to keep time for.
  const margin = relayed ? RELAY_MARGIN_MS : RESPONSE_MARGIN_MS;
  const physicalId = event.PhysicalResourceId ?? event.LogicalResourceId;
  let summary: RunSummary | null = null;
  let response: CustomResourceResponse;
  if (event.RequestType === 'Delete') {
    response = responseFor(event, { Status: 'SUCCESS', PhysicalResourceId: physicalId });
  } else if (event.ResourceType !== undefined && event.ResourceType !== FIRST_RUN.resourceType) {
    response = responseFor(event, {
      Status: 'FAILED',
      Reason: `the probe function serves ${FIRST_RUN.resourceType} only, not ${event.ResourceType}`,
      PhysicalResourceId: physicalId,
    });
  } else {
    try {
      summary = await run(Math.max(0, context.getRemainingTimeInMillis() - margin));
      response = responseFor(event, {
        Status: 'SUCCESS',
        PhysicalResourceId: physicalId,
        Data: {
          [FIRST_RUN.attributes.ok]: String(summary.ok),
          [FIRST_RUN.attributes.failed]: String(summary.failed),
          [FIRST_RUN.attributes.metricsVia]: summary.metrics.via,
        },
      });
    } catch (error) {
      response = responseFor(event, {
        Status: 'FAILED',
        Reason: `the canary cannot run: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          1000,
        ),
        PhysicalResourceId: physicalId,
      });
    }
  }
  // Never the event: its ResponseURL is a presigned URL that lets anyone answer for this resource.
  const record = {
    type: 'first-run',
    requestType: event.RequestType,
    status: response.Status,
    reason: response.Reason,
    ...(relayed ? { answeredBy: 'relay' } : {}),
  };
  if (relayed) {
    process.stdout.write(`${JSON.stringify(record)}\n`);
    if (response.Status === 'FAILED') throw new Error(response.Reason ?? 'the first run failed');
    return {
      PhysicalResourceId: response.PhysicalResourceId,
      ...(response.Data === undefined ? {} : { Data: response.Data }),
    };
  }
  try {
    await sendResponse(event.ResponseURL, response);
    process.stdout.write(`${JSON.stringify(record)}\n`);
  } catch (error) {
    process.stdout.write(
      `${JSON.stringify({ ...record, level: 'ERROR', error: error instanceof Error ? error.message : String(error) })}\n`,
    );
  }
  return summary;
}

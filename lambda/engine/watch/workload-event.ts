/**
 * From an EventBridge event to the workload that failed and why: pure, no I/O. It accepts only the two event
 * shapes the watcher's rules select (lambda/engine/model/watch-contract.ts) and says why anything else is ignored, naming
 * the field: the function logs that one line and returns, so a surprise never throws (and is never retried).
 */
import { classifyText, type TextClassification } from '../explain/classify-text.ts';
import { ECR_API_EVENT, ECS_EVENT } from '../model/watch-contract.ts';

/** A reason longer than this is cut before it is classified (ECS reasons are a few hundred characters). */
export const MAX_REASON_CHARS = 8 * 1024;
/** Each field shown in a notification is cut to this many characters. */
export const MAX_FIELD_CHARS = 256;
/** At most this many containers of one task are read. */
const MAX_CONTAINERS = 20;

export interface WorkloadFailure {
  source: 'ecs-task' | 'ecr-api' | 'eks-pod';
  /** What dedup is keyed on: cluster and service (or task family), or principal and ECR action. */
  workload: string;
  /** Who failed, in notification order: label and value. */
  who: Array<[string, string]>;
  classification: TextClassification;
  region: string | null;
  account: string | null;
  /** Event time (ISO), when the event has one. */
  time: string | null;
  /** The fix for this workload's platform, shown before the category's general one. */
  fix?: string;
}

export type ParsedEvent = { failure: WorkloadFailure } | { ignored: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value : null;
const cut = (text: string, limit = MAX_FIELD_CHARS): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
/** The resource name at the end of an ARN (`…:cluster/prod` → `prod`), or the value itself. */
const lastSegment = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;

export function parseWorkloadEvent(event: unknown): ParsedEvent {
  if (!isObject(event))
    return { ignored: `event: got ${describe(event)}; allowed: an EventBridge event object` };
  const source = str(event.source);
  const detailType = str(event['detail-type']);
  if (!isObject(event.detail))
    return { ignored: `detail: got ${describe(event.detail)}; allowed: an object` };
  const common = {
    region: str(event.region),
    account: str(event.account),
    time: str(event.time),
  };
  if (source === ECS_EVENT.source && detailType === ECS_EVENT.detailType)
    return ecsTask(event.detail, common);
  if (source === ECR_API_EVENT.source && detailType === ECR_API_EVENT.detailType)
    return ecrApiCall(event.detail, common);
  return {
    ignored: `source/detail-type: got ${JSON.stringify(cut(String(source)))}/${JSON.stringify(cut(String(detailType)))}; allowed: "${ECS_EVENT.source}"/"${ECS_EVENT.detailType}" or "${ECR_API_EVENT.source}"/"${ECR_API_EVENT.detailType}"`,
  };
}

const isPullReason = (reason: string) => ECS_EVENT.reasonPrefixes.some((prefix) => reason.startsWith(prefix));

function ecsTask(detail: Json, common: Pick<WorkloadFailure, 'region' | 'account' | 'time'>): ParsedEvent {
  if (detail.lastStatus !== ECS_EVENT.stoppedStatus) {
    return { ignored: `detail.lastStatus: got ${describe(detail.lastStatus)}; allowed: "STOPPED"` };
  }
  const clusterArn = str(detail.clusterArn);
  if (!clusterArn)
    return { ignored: `detail.clusterArn: got ${describe(detail.clusterArn)}; allowed: a cluster ARN` };
  const taskDefinitionArn = str(detail.taskDefinitionArn);
  if (!taskDefinitionArn) {
    return {
      ignored: `detail.taskDefinitionArn: got ${describe(detail.taskDefinitionArn)}; allowed: a task definition ARN`,
    };
  }
  const containers = (Array.isArray(detail.containers) ? detail.containers : [])
    .slice(0, MAX_CONTAINERS)
    .filter(isObject);
  const stoppedReason = str(detail.stoppedReason);
  const reasons = [
    ...(stoppedReason ? [stoppedReason] : []),
    ...containers.flatMap((container) => {
      const reason = str(container.reason);
      return reason ? [reason] : [];
    }),
  ].filter(isPullReason);
  if (reasons.length === 0) {
    return {
      ignored: `detail.stoppedReason / detail.containers[].reason: got ${describe(stoppedReason)}; allowed: a reason starting with ${ECS_EVENT.reasonPrefixes.map((p) => `"${p}"`).join(', ')}`,
    };
  }
  const text = [...new Set(reasons.map((reason) => reason.slice(0, MAX_REASON_CHARS)))].join('\n');
  const classification = classifyText(text);

  const cluster = lastSegment(clusterArn);
  // `group` is "service:NAME" for a service's tasks and "family:NAME" for standalone ones.
  const group = str(detail.group) ?? `family:${lastSegment(taskDefinitionArn).split(':')[0]}`;
  const failed = containers.filter((container) => {
    const reason = str(container.reason);
    return reason !== null && isPullReason(reason);
  });
  const images = [...new Set((failed.length > 0 ? failed : containers).flatMap((c) => str(c.image) ?? []))];
  const who: Array<[string, string]> = [
    ['Cluster', cut(cluster)],
    [group.startsWith('service:') ? 'Service' : 'Task family', cut(group.replace(/^(service|family):/, ''))],
    ['Task definition', cut(taskDefinitionArn)],
  ];
  if (images.length > 0) who.push(['Image', cut(images.join(', '))]);
  // The event does not carry the execution role; the error text names it when IAM refused it.
  who.push([
    'Execution role',
    classification.fields.principal
      ? cut(classification.fields.principal)
      : 'not named in the error (see the task definition)',
  ]);
  const taskArn = str(detail.taskArn);
  if (taskArn) who.push(['Task', cut(taskArn)]);
  const stopCode = str(detail.stopCode);
  if (stopCode) who.push(['Stop code', cut(stopCode)]);
  return {
    failure: {
      source: 'ecs-task',
      workload: `ecs:${cluster}/${group}`,
      who,
      classification,
      ...common,
    },
  };
}

function ecrApiCall(detail: Json, common: Pick<WorkloadFailure, 'region' | 'account' | 'time'>): ParsedEvent {
  const eventName = str(detail.eventName);
  if (!eventName || !(ECR_API_EVENT.eventNames as readonly string[]).includes(eventName)) {
    return {
      ignored: `detail.eventName: got ${describe(detail.eventName)}; allowed: one of ${ECR_API_EVENT.eventNames.join(', ')}`,
    };
  }
  const errorCode = str(detail.errorCode);
  if (!errorCode)
    return { ignored: `detail.errorCode: got ${describe(detail.errorCode)}; allowed: an error code` };
  const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const principal =
    str(identity.arn) ?? str(identity.invokedBy) ?? (str(identity.type) ? `(${identity.type})` : null);
  if (!principal) {
    return {
      ignored: `detail.userIdentity: got ${describe(detail.userIdentity)}; allowed: an identity with an arn`,
    };
  }
  const message = str(detail.errorMessage) ?? '';
  const classification = classifyText(message.slice(0, MAX_REASON_CHARS), {
    errorCode,
    operation: eventName,
  });
  const request = isObject(detail.requestParameters) ? detail.requestParameters : {};
  const repository = str(request.repositoryName);
  const who: Array<[string, string]> = [
    ['Principal', cut(principal)],
    ['Action', `ecr:${eventName}`],
    ['Error code', cut(errorCode)],
  ];
  if (repository) who.push(['Repository', cut(repository)]);
  const sourceIp = str(detail.sourceIPAddress);
  if (sourceIp) who.push(['Source', cut(sourceIp)]);
  const userAgent = str(detail.userAgent);
  if (userAgent) who.push(['User agent', cut(userAgent, 120)]);
  return {
    failure: {
      source: 'ecr-api',
      workload: `iam:${principal}/ecr:${eventName}`,
      who,
      classification,
      ...common,
    },
  };
}

/** A value for a log line: its type, and a short form of it; never the whole of a huge value. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(cut(value, 80));
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${cut(String(value), 40)}`;
}

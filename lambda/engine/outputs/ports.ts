/**
 * The narrow interfaces a canary run writes through. `runCanary` and the output logic depend only on these;
 * the SDK-backed implementations live next to them (cloudwatch-sink.ts, sns-notifier.ts, state-store.ts) and
 * are built by the handler, so the run can be tested in process with small fakes.
 */
import type { Datapoint } from './datapoints.ts';
import type { TargetState } from './dedup.ts';
import type { Notification } from './notification.ts';

/** Where the datapoints of a run go when CloudWatch is reachable: one call with all of them. */
export interface MetricsSink {
  /** Rejects on any failure (the caller falls back to EMF); `abortSignal` ends the call at the run's deadline. */
  put(namespace: string, points: Datapoint[], timestamp: Date, abortSignal: AbortSignal): Promise<void>;
}

/** What goes on the topic: a subject, a plain-text body and String message attributes. */
export interface PublishedMessage {
  subject: string;
  message: string;
  attributes: Readonly<Record<string, string>>;
}

/** Publishes one diagnosis (the canary's, or the workload watcher's), with its message attributes, to the topic. */
export interface Notifier<M extends PublishedMessage = Notification> {
  publish(notification: M, abortSignal: AbortSignal): Promise<void>;
}

/** The notification dedup state of each target, kept across cold starts (in DynamoDB: see state-store.ts). */
export interface StateStore {
  get(key: string): Promise<TargetState | null>;
  /** Writes only if the stored version is still `next.version - 1`; false if another run got there first. */
  put(key: string, next: TargetState): Promise<boolean>;
}

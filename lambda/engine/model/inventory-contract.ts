/**
 * The images-in-use inventory's contract between its construct (the image inventory construct), its function
 * (lambda/functions/inventory/) and its command (lambda/commands/inventory/): the environment, the metric, the
 * reasons an image in use is at risk, and the dedup key namespace. Pure data.
 */

/** Why an image a workload runs may fail its next pull. */
export const AT_RISK_REASONS = [
  /** The tag or digest is gone (deleted, expired), or its repository is. */
  'missing',
  /** In the archive storage class, or being restored (`imageStatus` ARCHIVED / ACTIVATING): not pullable now. */
  'archived',
  /** The repository's lifecycle policy expires or archives it within the horizon. */
  'lifecycle',
  /** Another account's repository policy does not let the workload's pulling principal pull it. */
  'pull-denied',
] as const;
export type AtRiskReason = (typeof AT_RISK_REASONS)[number];

export const INVENTORY_ENV = {
  canaryName: 'INVENTORY_CANARY_NAME',
  namespace: 'INVENTORY_NAMESPACE',
  /** SNS topic. @default none: metrics only */
  topicArn: 'INVENTORY_TOPIC_ARN',
  /** The canary's state table, for the dedup items (under {@link INVENTORY_STATE_PREFIX}). */
  stateTable: 'INVENTORY_STATE_TABLE',
  /** A lifecycle action due within this many days is a risk. */
  horizonDays: 'INVENTORY_HORIZON_DAYS',
  /** Remind of a risk that persists at most this often. */
  reminderHours: 'INVENTORY_REMINDER_HOURS',
  dashboardName: 'INVENTORY_DASHBOARD_NAME',
} as const;

export const INVENTORY_METRIC = {
  /**
   * In-use image references at risk in the region. Sent every run without dimensions (the one steady metric, which
   * the alarm reads; 0 when all is well, so a stopped inventory is missing data), and with the Reason dimension
   * per reason only while that count is non-zero (nearly free by hourly proration).
   */
  atRisk: 'InUseImagesAtRisk',
} as const;

export const INVENTORY_DIMENSION = { reason: 'Reason' } as const;

/** Every dedup item of the inventory starts with this, apart from the canary's and the watcher's items. */
export const INVENTORY_STATE_PREFIX = 'inventory#';

/** The `kind` message attribute of an inventory notification. */
export const INVENTORY_NOTIFICATION_KINDS = ['image-at-risk', 'image-recovered'] as const;

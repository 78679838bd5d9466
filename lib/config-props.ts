import { type DeclaredProp, type Same, same } from '../lambda/engine/config/schema.ts';
import type {
  ALARM_FIELDS,
  Declared,
  NOTIFICATION_FIELDS,
  VPC_FIELDS,
} from '../lambda/engine/model/fields.ts';
import type { NotificationOptions } from './alarm-topic.ts';
import type {
  CanaryAlarmOptions,
  ClockSkewAlarmTuning,
  CountAlarmTuning,
  HeartbeatAlarmTuning,
  LatencyAlarmTuning,
} from './canary-alarms.ts';
import type { VpcPlacement } from './canary-function.ts';
import type { EcrPullCanaryProps } from './ecr-pull-canary.ts';

// The construct's own interfaces keep their documentation for TypeScript users; these checks fail the build when
// one of them and its declaration in lambda/engine/model/fields.ts disagree on a key, a type or whether it is
// optional. They live on the construct's side, so the configuration (lambda/engine/config/) imports nothing of lib/.
same<Same<NotificationOptions, Declared<typeof NOTIFICATION_FIELDS>>>();
same<Same<VpcPlacement, Declared<typeof VPC_FIELDS>>>();
same<Same<CanaryAlarmOptions, Declared<typeof ALARM_FIELDS>>>();
same<Same<CountAlarmTuning, Declared<typeof ALARM_FIELDS.auth.fields>>>();
same<Same<ClockSkewAlarmTuning, Declared<typeof ALARM_FIELDS.clockSkew.fields>>>();
same<Same<HeartbeatAlarmTuning, Declared<typeof ALARM_FIELDS.heartbeat.fields>>>();
same<Same<LatencyAlarmTuning, Declared<typeof ALARM_FIELDS.latency.fields>>>();
same<DeclaredProp extends keyof EcrPullCanaryProps ? true : false>();

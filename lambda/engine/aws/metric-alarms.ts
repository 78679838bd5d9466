import { type CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import type { Outcome } from './call.ts';

/** A call under its deadline that never throws (ClientPool.call, or a command's own). */
export type DeadlineCall = <T>(run: (abortSignal: AbortSignal) => Promise<T>) => Promise<Outcome<T>>;

/** Every metric alarm whose name starts with `prefix`, all pages (status and drill read a canary's alarms so). */
export async function metricAlarmsByPrefix(
  call: DeadlineCall,
  cloudwatch: CloudWatchClient,
  prefix: string,
): Promise<Outcome<MetricAlarm[]>> {
  const alarms: MetricAlarm[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call((abortSignal) =>
      cloudwatch.send(
        new DescribeAlarmsCommand({
          AlarmNamePrefix: prefix,
          AlarmTypes: ['MetricAlarm'],
          MaxRecords: 100,
          NextToken: nextToken,
        }),
        { abortSignal },
      ),
    );
    if (!page.ok) return page;
    alarms.push(...(page.value.MetricAlarms ?? []));
    nextToken = page.value.NextToken;
  } while (nextToken);
  return { ok: true, value: alarms };
}

import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as oam from 'aws-cdk-lib/aws-oam';
import type { Construct } from 'constructs';
import { DIMENSION, METRIC } from '../../lambda/engine/model/contract.ts';
import {
  OAM_LINK_ACTIONS,
  OAM_LINK_RESOURCE_TYPES,
  SERVICE_LIMITS,
} from '../../lambda/engine/model/limits.ts';
import { KNOWN_GOOD_TARGET_NAME } from '../../lambda/engine/model/seed-contract.ts';
import { chunks, dashboardLimitProblems } from '../dashboard-limits.ts';
import { organizationDashboardName } from './naming.ts';

/**
 * The sink policy: any principal of the organization may create or update a link, for what the links share only (the form
 * of the organization example in the OAM PutSinkPolicy reference).
 */
export function sinkPolicy(organizationId: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: '*',
        Action: [...OAM_LINK_ACTIONS],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': organizationId },
          'ForAllValues:StringEquals': { 'oam:ResourceTypes': [...OAM_LINK_RESOURCE_TYPES] },
        },
      },
    ],
  };
}

export interface MonitoringStackProps extends StackProps {
  readonly canaryName: string;
  readonly organizationId: string;
  readonly namespace: string;
  readonly scheduleMinutes: number;
  /** Set in the first region's stack only: the one dashboard for every account and region. */
  readonly dashboard?: { readonly regions: readonly string[]; readonly accounts: readonly string[] };
}

/**
 * One region of the monitoring account: the OAM sink the members link to (its ARN is an output, for
 * `organization.sinkArns`) and, in the first region, the cross-account dashboard.
 */
export class MonitoringStack extends Stack {
  readonly sink: oam.CfnSink;
  readonly dashboard?: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.sink = new oam.CfnSink(this, 'Sink', {
      name: props.canaryName,
      policy: sinkPolicy(props.organizationId),
    });
    new CfnOutput(this, 'SinkArn', {
      value: this.sink.attrArn,
      description: `organization.sinkArns["${this.region}"] in the canary configuration`,
    });
    if (props.dashboard) {
      const widgets = organizationWidgets({ ...props, ...props.dashboard });
      const problems = dashboardLimitProblems(
        this,
        widgets.flat(),
        'list fewer organization.accounts (each account draws three series per region), or none: the per-region widgets cover every linked account',
      );
      if (problems.length > 0) {
        throw new Error(
          `The organization dashboard of ${props.canaryName} cannot be created:\n  ${problems.join('\n  ')}`,
        );
      }
      this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
        dashboardName: organizationDashboardName(props.canaryName),
        widgets,
      });
    }
  }
}

/**
 * Per region: which account cannot pull, latency and failures by category, each a Metrics Insights query
 * grouped by `AWS.AccountId`, which in a monitoring account covers every linked source account (new accounts
 * appear without a change here). With explicit accounts, one "can pull" tile per account and region too.
 */
export function organizationWidgets(props: {
  namespace: string;
  scheduleMinutes: number;
  regions: readonly string[];
  accounts: readonly string[];
}): cloudwatch.IWidget[][] {
  const period = Duration.minutes(props.scheduleMinutes);
  const query = (label: string, select: string) =>
    new cloudwatch.MathExpression({ expression: select, label, period, usingMetrics: {} });
  const schema = (dimension: string) => `SCHEMA("${props.namespace}", ${dimension})`;
  const rows = props.regions.map((region) => [
    new cloudwatch.GraphWidget({
      title: `${region}: failed probes by account and target (none = can pull)`,
      region,
      width: 8,
      left: [
        query(
          'failed probes',
          `SELECT SUM(${METRIC.failures}) FROM ${schema(DIMENSION.target)} GROUP BY AWS.AccountId, ${DIMENSION.target}`,
        ),
        // The runs: an account whose line drops to zero has a canary that stopped (its heartbeat pages there).
        query(
          'runs',
          `SELECT COUNT(${METRIC.latency}) FROM ${schema(DIMENSION.target)} GROUP BY AWS.AccountId`,
        ),
      ],
      leftYAxis: { min: 0 },
    }),
    new cloudwatch.GraphWidget({
      title: `${region}: latency (maximum ms by account)`,
      region,
      width: 8,
      left: [
        query(
          'latency',
          `SELECT MAX(${METRIC.latency}) FROM ${schema(DIMENSION.target)} GROUP BY AWS.AccountId`,
        ),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: `${region}: failures by category and account`,
      region,
      width: 8,
      stacked: true,
      left: [
        query(
          'failures',
          `SELECT SUM(${METRIC.failures}) FROM ${schema(DIMENSION.category)} GROUP BY AWS.AccountId, ${DIMENSION.category}`,
        ),
      ],
    }),
  ]);
  if (props.accounts.length === 0) return rows;
  // Share of healthy probes of the seeded image, 1 - failures / runs (the canary's own success-rate math,
  // lib/ecr-pull-canary.ts metricSuccess): failures are sent only when non-zero, so FILL them with 0.
  const metric = (metricName: string, statistic: string, account: string, region: string) =>
    new cloudwatch.Metric({
      namespace: props.namespace,
      metricName,
      dimensionsMap: { [DIMENSION.target]: KNOWN_GOOD_TARGET_NAME },
      statistic,
      period,
      account,
      region,
    });
  const pairs = props.accounts.flatMap((account, a) =>
    props.regions.map((region, r) => ({ account, region, a, r })),
  );
  // Three series per account and region (the expression and its two metrics): as many tile widgets as
  // CloudWatch's metrics-per-widget limit needs.
  const perWidget = Math.floor(SERVICE_LIMITS.dashboardMetricsPerWidget.value / 3);
  const parts = chunks(pairs, perWidget);
  const tiles = parts.map(
    (part, i) =>
      new cloudwatch.SingleValueWidget({
        title: `Can pull the seeded image, per account and region (share of healthy probes, 1 = all)${parts.length > 1 ? `, ${i + 1} of ${parts.length}` : ''}`,
        width: 24,
        metrics: part.map(
          ({ account, region, a, r }) =>
            new cloudwatch.MathExpression({
              expression: `1 - FILL(failed_${a}_${r}, 0) / runs_${a}_${r}`,
              usingMetrics: {
                [`runs_${a}_${r}`]: metric(METRIC.latency, 'SampleCount', account, region),
                [`failed_${a}_${r}`]: metric(METRIC.failures, 'Sum', account, region),
              },
              period,
              label: `${account} ${region}`,
            }),
        ),
      }),
  );
  return [...tiles.map((tile) => [tile]), ...rows];
}

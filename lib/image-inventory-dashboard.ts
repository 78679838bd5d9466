import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { INVENTORY_DIMENSION, INVENTORY_METRIC } from '../lambda/engine/model/inventory-contract.ts';
import type { ImageInventory } from './image-inventory.ts';

/**
 * One dashboard widget per region with an inventory: the images in use at risk, in total (the steady metric the
 * alarm reads) and by reason (only reasons that happened have a metric; a search shows whichever did).
 */
export function imageInventoryWidget(inventory: ImageInventory): cloudwatch.IWidget {
  const region = Stack.of(inventory).region;
  const period = inventory.schedule;
  const byReason = new cloudwatch.MathExpression({
    expression: `SEARCH('{${inventory.canary.namespace},${INVENTORY_DIMENSION.reason}} MetricName="${INVENTORY_METRIC.atRisk}"', 'Maximum', ${period.toSeconds()})`,
    searchRegion: region,
    label: '',
    period,
  });
  return new cloudwatch.GraphWidget({
    title: `Images in use at risk (${region})`,
    left: [inventory.metricAtRisk(undefined, { label: 'at risk', region }), byReason],
    leftYAxis: { min: 0 },
    region,
    width: 24,
    height: 6,
  });
}

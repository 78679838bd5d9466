import { expect } from 'vitest';
import { classifyText } from '../../lambda/engine/explain/classify-text.ts';
import type { ProbeResult } from '../../lambda/engine/model/types.ts';

/**
 * The text classifier (issue 10) must agree with the probe wherever both see the same failure: given a failed
 * probe result's errorCode and message, as the probe produced them, it names the probe's category.
 */
export function expectTextClassifierAgrees(result: ProbeResult): void {
  if (result.ok) return;
  const explained = classifyText(result.message ?? '', { errorCode: result.errorCode });
  expect(
    explained.category,
    `explain disagrees with the probe on ${result.errorCode}: ${result.message}`,
  ).toBe(result.category);
}

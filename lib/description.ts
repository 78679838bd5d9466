/**
 * How the descriptions of the stacks and resources name the canary: the product, then the canary's `name`, unless
 * that name already says which product it is (the default name is the product's own), which would read
 * "ecr-pull-canary ecr-pull-canary: …".
 */
const PRODUCT = 'ecr-pull-canary';

export function canaryLabel(canaryName: string): string {
  return canaryName.includes(PRODUCT) ? canaryName : `${PRODUCT} ${canaryName}`;
}

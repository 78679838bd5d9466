import type { Datapoint } from './datapoints.ts';

/**
 * Embedded Metric Format lines for the same datapoints. EMF names dimensions by top-level keys, so a line
 * can hold only one value per dimension key and per metric name; datapoints are packed into as few lines as
 * that allows (one line for a single-target run).
 */
export function toEmfLines(points: Datapoint[], namespace: string, timestampMs: number): string[] {
  const lines: Array<{ members: Record<string, string | number>; directives: Map<string, Directive> }> = [];
  for (const point of points) {
    let line = lines.find((candidate) => fits(candidate.members, point));
    if (!line) {
      line = { members: {}, directives: new Map() };
      lines.push(line);
    }
    Object.assign(line.members, point.dimensions, { [point.name]: point.value });
    const dimensionKeys = Object.keys(point.dimensions).sort();
    const key = dimensionKeys.join('\u0000');
    let directive = line.directives.get(key);
    if (!directive) {
      directive = { dimensions: dimensionKeys, metrics: new Map() };
      line.directives.set(key, directive);
    }
    directive.metrics.set(point.name, point.unit);
  }
  return lines.map(({ members, directives }) =>
    JSON.stringify({
      _aws: {
        Timestamp: timestampMs,
        CloudWatchMetrics: [...directives.values()].map((directive) => ({
          Namespace: namespace,
          Dimensions: [directive.dimensions],
          Metrics: [...directive.metrics].map(([Name, Unit]) => ({ Name, Unit })),
        })),
      },
      ...members,
    }),
  );
}

interface Directive {
  dimensions: string[];
  metrics: Map<string, string>;
}

function fits(members: Record<string, string | number>, point: Datapoint): boolean {
  if (point.name in members && members[point.name] !== point.value) return false;
  return Object.entries(point.dimensions).every(
    ([key, value]) => !(key in members) || members[key] === value,
  );
}

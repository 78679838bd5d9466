/**
 * Measures a synthesized template the way each service measures what it is given (SERVICE_LIMITS in
 * lambda/engine/model/limits.ts) and lists every limit it passes. Values CloudFormation resolves at deploy time are
 * measured at their longest: a name CloudFormation generates, an ARN in the longest partition and region.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_LIMITS } from '../../lambda/engine/model/limits.ts';

type Resource = { Type: string; Properties?: Record<string, unknown> };
export interface CfnTemplateJson {
  Description?: string;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  Parameters?: Record<string, unknown>;
  Mappings?: Record<string, Record<string, unknown>>;
}

const LONGEST = {
  partition: 'aws-us-gov',
  region: 'ap-southeast-7',
  account: '123456789012',
  urlSuffix: 'amazonaws.com.cn',
} as const;

/** The longest a generated physical name or ARN of a resource of this type can be. */
function longestRef(type: string | undefined): string {
  const arn = (service: string, resource: string) =>
    `arn:${LONGEST.partition}:${service}:${LONGEST.region}:${LONGEST.account}:${resource}`;
  switch (type) {
    case 'AWS::SNS::Topic':
      return arn('sns', 'x'.repeat(256));
    case 'AWS::IAM::Role':
      return 'x'.repeat(64);
    case 'AWS::S3::Bucket':
      // S3's longest bucket name.
      return 'x'.repeat(63);
    default:
      return 'x'.repeat(255);
  }
}

/**
 * The longest ARN of a resource the canary creates: CloudFormation's generated names are at most 255 characters,
 * and a log group's name (the longest: 512) is one the canary sets itself, far shorter.
 */
function longestAttribute(type: string | undefined, attribute: string): string {
  if (attribute === 'Arn')
    return `arn:${LONGEST.partition}:service:${LONGEST.region}:${LONGEST.account}:type/${'x'.repeat(255)}:*`;
  return longestRef(type);
}

/** A template value with every intrinsic replaced by its longest resolved form. */
export function resolveLongest(value: unknown, resources: Record<string, Resource>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveLongest(item, resources));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1) {
    const [key] = keys as [string];
    const arg = object[key];
    if (key === 'Ref') {
      const name = String(arg);
      if (name === 'AWS::Partition') return LONGEST.partition;
      if (name === 'AWS::Region') return LONGEST.region;
      if (name === 'AWS::AccountId') return LONGEST.account;
      if (name === 'AWS::URLSuffix') return LONGEST.urlSuffix;
      if (name === 'AWS::StackName') return 'x'.repeat(128);
      return longestRef(resources[name]?.Type);
    }
    if (key === 'Fn::GetAtt') {
      const [id, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
      return longestAttribute(resources[id]?.Type, attribute);
    }
    if (key === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return (resolveLongest(parts, resources) as unknown[]).map(String).join(separator);
    }
    if (key === 'Fn::Sub') {
      const text = Array.isArray(arg) ? String(arg[0]) : String(arg);
      return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        String(resolveLongest({ Ref: name.split('.')[0] }, resources)),
      );
    }
    if (key === 'Fn::FindInMap' || key === 'Fn::ImportValue' || key === 'Fn::Select') return 'x'.repeat(2048);
  }
  return Object.fromEntries(keys.map((k) => [k, resolveLongest(object[k], resources)]));
}

/** Bytes of a directory's files, recursively. */
function directoryBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, entry) => {
    const path = join(dir, entry);
    const stats = statSync(path);
    return sum + (stats.isDirectory() ? directoryBytes(path) : stats.size);
  }, 0);
}

/** IAM counts a policy's characters without white space. */
function policyChars(document: unknown): number {
  return JSON.stringify(document).replace(/\s+/g, '').length;
}

/** The product of the sizes of a filter policy's value arrays (SNS's "total combination of values"). */
function filterCombinations(policy: unknown): { keys: number; combinations: number } {
  let keys = 0;
  let combinations = 1;
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) {
        for (const branch of value) walk(branch);
      } else if (Array.isArray(value)) {
        keys += 1;
        combinations *= value.length;
      } else walk(value);
    }
  };
  walk(policy);
  return { keys, combinations };
}

export interface Measured {
  limit: keyof typeof SERVICE_LIMITS;
  where: string;
  value: number;
}

/**
 * Every measurement of one template against SERVICE_LIMITS, with where it was taken. `assemblyDir` locates the
 * functions' code assets (asset.<hash> beside the template).
 */
export function measureTemplate(template: CfnTemplateJson, assemblyDir: string): Measured[] {
  const out: Measured[] = [];
  const add = (limit: keyof typeof SERVICE_LIMITS, where: string, value: number) =>
    out.push({ limit, where, value });
  const resources = template.Resources;
  const longest = (value: unknown) => resolveLongest(value, resources);
  add('cfnTemplateUrlBytes', 'template', Buffer.byteLength(JSON.stringify(template, undefined, 1)));
  add('cfnResources', 'template', Object.keys(resources).length);
  add('cfnOutputs', 'template', Object.keys(template.Outputs ?? {}).length);
  add('cfnParameters', 'template', Object.keys(template.Parameters ?? {}).length);
  add('cfnMappings', 'template', Object.keys(template.Mappings ?? {}).length);
  for (const [name, mapping] of Object.entries(template.Mappings ?? {}))
    add('cfnMappingAttributes', `mapping ${name}`, Object.keys(mapping).length);
  add('cfnDescriptionBytes', 'template', Buffer.byteLength(template.Description ?? ''));

  const roles = new Map<string, { inline: number; managed: string[] }>();
  const role = (id: string) => {
    const entry = roles.get(id) ?? { inline: 0, managed: [] };
    roles.set(id, entry);
    return entry;
  };
  for (const [id, resource] of Object.entries(resources)) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const variables = longest((p.Environment as { Variables?: object } | undefined)?.Variables ?? {});
        const bytes = Object.entries(variables as Record<string, unknown>).reduce(
          (sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
          0,
        );
        add('lambdaEnvironmentBytes', id, bytes);
        add('lambdaDescriptionChars', id, String(longest(p.Description ?? '')).length);
        const key = (p.Code as { S3Key?: unknown } | undefined)?.S3Key;
        if (typeof key === 'string' && key.endsWith('.zip')) {
          add('lambdaCodeUnzippedBytes', id, directoryBytes(join(assemblyDir, `asset.${key.slice(0, -4)}`)));
        }
        break;
      }
      case 'AWS::CloudWatch::Alarm':
        add('alarmNameChars', id, String(longest(p.AlarmName ?? '')).length);
        add('alarmDescriptionChars', id, String(longest(p.AlarmDescription ?? '')).length);
        add('alarmActions', id, ((p.AlarmActions as unknown[]) ?? []).length);
        add('alarmActions', id, ((p.OKActions as unknown[]) ?? []).length);
        add('metricDimensions', id, ((p.Dimensions as unknown[]) ?? []).length);
        break;
      case 'AWS::Events::Rule':
        if (p.EventPattern !== undefined)
          add('eventPatternChars', id, JSON.stringify(longest(p.EventPattern)).length);
        break;
      case 'AWS::IAM::Role':
        role(id).inline += ((p.Policies as Array<{ PolicyDocument: unknown }>) ?? []).reduce(
          (sum, policy) => sum + policyChars(longest(policy.PolicyDocument)),
          0,
        );
        for (const arn of (p.ManagedPolicyArns as unknown[]) ?? []) {
          const ref = (arn as { Ref?: string }).Ref;
          role(id).managed.push(ref ?? JSON.stringify(arn));
        }
        break;
      case 'AWS::IAM::Policy':
        for (const r of (p.Roles as Array<{ Ref?: string }>) ?? []) {
          if (r.Ref) role(r.Ref).inline += policyChars(longest(p.PolicyDocument));
        }
        break;
      case 'AWS::IAM::ManagedPolicy':
        add('iamManagedPolicyChars', id, policyChars(longest(p.PolicyDocument)));
        for (const r of (p.Roles as Array<{ Ref?: string }>) ?? []) if (r.Ref) role(r.Ref).managed.push(id);
        break;
      case 'AWS::SNS::Subscription':
        if (p.FilterPolicy !== undefined) {
          const { keys, combinations } = filterCombinations(p.FilterPolicy);
          add('snsFilterPolicyKeys', id, keys);
          add('snsFilterPolicyCombinations', id, combinations);
          add('snsFilterPolicyBytes', id, Buffer.byteLength(JSON.stringify(p.FilterPolicy)));
        }
        break;
      case 'AWS::CloudWatch::Dashboard': {
        const body = JSON.parse(String(longest(p.DashboardBody))) as {
          widgets: Array<{ properties?: { metrics?: unknown[]; alarms?: unknown[] } }>;
        };
        add('dashboardWidgets', id, body.widgets.length);
        let total = 0;
        for (const [i, widget] of body.widgets.entries()) {
          const metrics = widget.properties?.metrics?.length ?? 0;
          total += metrics;
          add('dashboardMetricsPerWidget', `${id} widget ${i}`, metrics);
          add('alarmStatusWidgetAlarms', `${id} widget ${i}`, widget.properties?.alarms?.length ?? 0);
        }
        add('dashboardMetrics', id, total);
        break;
      }
      case 'AWS::Oam::Link':
        add('oamLabelTemplateChars', id, String(p.LabelTemplate ?? '').length);
        break;
    }
  }
  for (const [id, entry] of roles) {
    add('iamRolePolicyChars', id, entry.inline);
    add('iamManagedPoliciesPerRole', id, entry.managed.length);
  }
  return out;
}

/** The measurements over their limit, as readable lines; empty when the template is within every limit. */
export function overLimit(measured: readonly Measured[]): string[] {
  return measured
    .filter((m) => m.value > SERVICE_LIMITS[m.limit].value)
    .map((m) => `${m.where}: ${m.limit} ${m.value} > ${SERVICE_LIMITS[m.limit].value}`);
}

/** The largest measurement of each limit, for a readable report of how close a template comes. */
export function peaks(measured: readonly Measured[]): Record<string, number> {
  const peak: Record<string, number> = {};
  for (const m of measured) peak[m.limit] = Math.max(peak[m.limit] ?? 0, m.value);
  return peak;
}

/** A template file of the assembly, parsed. */
export function readTemplate(assemblyDir: string, templateFile: string): CfnTemplateJson {
  return JSON.parse(readFileSync(join(assemblyDir, templateFile), 'utf8')) as CfnTemplateJson;
}

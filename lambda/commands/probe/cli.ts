import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IAM_ROLE_ARN, PRINCIPAL_ARN } from '../../engine/model/arn.ts';
import { closest } from '../../engine/model/did-you-mean.ts';
import {
  ImageReferenceError,
  isRegistryUrlAllowed,
  parseImageReference,
  REGISTRY_URL_ALLOWED,
  tokenHostProblem,
} from '../../engine/model/image-ref.ts';
import {
  CANARY_DEFAULTS,
  LIMITS,
  NAMESPACE_PATTERN,
  PROBE_DEFAULTS,
  TARGET_NAME_PATTERN,
} from '../../engine/model/limits.ts';
import { parsePlatform } from '../../engine/model/platform.ts';
import { isKnownRegion, knownRegionAllowed } from '../../engine/model/regions.ts';
import { resolveTarget, TargetConfigError } from '../../engine/model/target.ts';
import type { ProbeTarget } from '../../engine/model/types.ts';
import { createAwsClientFactory } from '../../engine/probe/aws-clients.ts';
import { type ProbeOptions, probeTargets } from '../../engine/probe/probe.ts';
import { formatHuman, toJsonDocument } from '../cli-format.ts';
import {
  EMIT_FORMATS,
  type EmitFormat,
  isEmitFormat,
  probeEmfLines,
  publishProbeMetrics,
} from '../cli-metrics.ts';
import { dueSdkNodeNotice, SDK_NODE_WARNING_OPT_OUT } from '../sdk-node-notice.ts';

export const EXIT_HEALTHY = 0;
export const EXIT_PROBE_FAILED = 1;
export const EXIT_USAGE = 2;
/** The probe was healthy but `--publish` could not send its datapoints. */
export const EXIT_METRICS_NOT_PUBLISHED = 3;

interface CliOption {
  type: 'string' | 'boolean';
  /** The value's placeholder in the usage text; string options only. */
  value?: string;
  multiple?: boolean;
  short?: string;
  help: string;
}

/** Every option the CLI takes: the parser, the usage text and the usage-error synopsis all read this table. */
const OPTIONS = {
  region: {
    type: 'string',
    value: 'R',
    help: 'region for a short IMAGE (default: AWS_REGION, AWS_DEFAULT_REGION)',
  },
  'registry-url': {
    type: 'string',
    value: 'URL',
    help: 'send the token to this registry: https://host[:port] (http:// to loopback only)',
  },
  'role-arn': {
    type: 'string',
    value: 'ARN',
    help: "assume this role first, to probe as the workload's identity",
  },
  'expect-principal': {
    type: 'string',
    value: 'ARN',
    help: 'fail with "credentials" if the credential chain resolves to another identity',
  },
  platform: {
    type: 'string',
    value: 'OS/ARCH',
    multiple: true,
    help: 'require this platform in the image (repeatable)',
  },
  timeout: {
    type: 'string',
    value: 'MS',
    help: `deadline per phase (default ${PROBE_DEFAULTS.manifestTimeoutMs})`,
  },
  'skew-threshold': {
    type: 'string',
    value: 'S',
    help: `clock skew that fails the probe, in seconds (default ${PROBE_DEFAULTS.clockSkewThresholdSeconds})`,
  },
  'ca-file': { type: 'string', value: 'PATH', help: 'extra CA certificates (PEM) to trust for the registry' },
  'no-layer-check': {
    type: 'boolean',
    help: 'stop at the manifest: read no layer through the storage redirect (the config key layerCheck: false)',
  },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  // Host metrics (issue 11): the datapoints the Lambda publishes, from this host.
  emit: {
    type: 'string',
    value: EMIT_FORMATS.join('|'),
    help: "print the Lambda's datapoints for this verdict as CloudWatch embedded-metric-format lines on stdout; the report goes to stderr",
  },
  publish: {
    type: 'boolean',
    help: "send the same datapoints with PutMetricData to the image's region (exit 3 if that fails on a healthy probe)",
  },
  namespace: {
    type: 'string',
    value: 'NS',
    help: `CloudWatch namespace for --emit/--publish (default ${CANARY_DEFAULTS.namespace})`,
  },
  'target-name': {
    type: 'string',
    value: 'NAME',
    help: "the Target dimension (default repo:tag, the canary's default target name)",
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, CliOption>;

type OptionName = keyof typeof OPTIONS;
type StringOption = {
  [K in OptionName]: (typeof OPTIONS)[K]['type'] extends 'string' ? K : never;
}[OptionName];
type BooleanOption = Exclude<OptionName, StringOption>;

function optionEntries(): Array<[OptionName, CliOption]> {
  return Object.entries(OPTIONS) as Array<[OptionName, CliOption]>;
}

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(OPTIONS, name);
}

function flagWithValue(name: string, option: CliOption): string {
  return `--${name}${option.value ? ` ${option.value}` : ''}`;
}

/** One line for usage errors: every option, no explanations. */
export const SYNOPSIS = `Usage: ecr-pull-canary probe IMAGE ${optionEntries()
  .map(([name, option]) => `[${flagWithValue(name, option)}]${option.multiple ? '...' : ''}`)
  .join(' ')}`;

export const USAGE = `Usage: ecr-pull-canary probe IMAGE [options]

Fetches an ECR authorization token and IMAGE's manifest the way docker and kubelet do, and says what is wrong.

IMAGE is repo[:tag|@sha256:…] in this account and region, or
ACCOUNT.dkr.ecr.REGION.amazonaws.com/repo[:tag|@sha256:…] (also .amazonaws.com.cn, dkr.ecr-fips and the
dual-stack ACCOUNT.dkr-ecr.REGION.on.aws). The ECR token is sent only to ECR: an IMAGE on any other registry
host needs --registry-url.

Options:
${optionEntries()
  .map(
    ([name, option]) =>
      `  ${`${option.short ? `-${option.short}, ` : ''}${flagWithValue(name, option)}`.padEnd(24)}${option.help}`,
  )
  .join('\n')}

Exit status: 0 healthy, 1 probe failed, 2 usage error, 3 healthy but --publish failed.
Endpoints follow the AWS SDK's variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_STS).`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

interface CliRequest {
  target: ProbeTarget;
  options: ProbeOptions;
  json: boolean;
  metrics: MetricsRequest;
}

/** Where the verdict's datapoints go besides the report. */
interface MetricsRequest {
  emit: EmitFormat | null;
  publish: boolean;
  namespace: string;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliRequest | 'help' {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'missing IMAGE'
        : `expected one IMAGE, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const image = positionals[0] as string;
  if (values.region !== undefined && !isKnownRegion(values.region)) {
    throw new UsageError(
      `--region "${values.region}" is not allowed; allowed: ${knownRegionAllowed(values.region)}`,
    );
  }
  // The configuration file's rules for assumeRoleArn and expectedPrincipal.
  const arns = [
    ['role-arn', IAM_ROLE_ARN, 'an IAM role ARN'],
    ['expect-principal', PRINCIPAL_ARN, 'an IAM role or user ARN, or an STS assumed-role ARN'],
  ] as const;
  for (const [flag, pattern, what] of arns) {
    const value = values[flag];
    if (value !== undefined && !pattern.test(value))
      throw new UsageError(`--${flag} "${value}" is not ${what}`);
  }
  for (const platform of values.platform ?? []) {
    if (!parsePlatform(platform))
      throw new UsageError(`--platform "${platform}" is not OS/ARCH[/VARIANT], e.g. linux/arm64`);
  }
  const timeout = optionalNumber(
    values.timeout,
    '--timeout',
    LIMITS.cliPhaseTimeoutMs.min,
    LIMITS.cliPhaseTimeoutMs.max,
  );
  const skew = optionalNumber(
    values['skew-threshold'],
    '--skew-threshold',
    LIMITS.clockSkewSeconds.min,
    LIMITS.clockSkewSeconds.max,
  );
  let ca: string | undefined;
  if (values['ca-file'] !== undefined) {
    try {
      ca = readFileSync(values['ca-file'], 'utf8');
    } catch (error) {
      throw new UsageError(`--ca-file "${values['ca-file']}" cannot be read: ${(error as Error).message}`);
    }
  }
  const registryUrl = values['registry-url'];
  if (registryUrl !== undefined && !isRegistryUrlAllowed(registryUrl, 'local')) {
    throw new UsageError(
      `--registry-url "${registryUrl}" is not allowed; allowed: ${REGISTRY_URL_ALLOWED.local}`,
    );
  }
  const metrics = metricsRequest(values);
  const targetName = values['target-name'];
  if (targetName !== undefined && !TARGET_NAME_PATTERN.test(targetName)) {
    throw new UsageError(
      `--target-name "${targetName}" is not allowed; allowed: 1-255 printable ASCII characters without spaces`,
    );
  }
  const destination = refusedDestination(image, registryUrl);
  if (destination) throw new UsageError(`IMAGE "${image}": ${destination}`);
  const target: ProbeTarget = {
    image,
    ...(targetName !== undefined ? { name: targetName } : {}),
    ...(values.region ? { region: values.region } : {}),
    ...(registryUrl !== undefined ? { registryUrl } : {}),
    ...(values['role-arn'] ? { assumeRoleArn: values['role-arn'] } : {}),
    ...(values['expect-principal'] ? { expectedPrincipal: values['expect-principal'] } : {}),
    ...(values.platform ? { platforms: values.platform } : {}),
    ...(values['no-layer-check'] ? { layerCheck: false } : {}),
  };
  const defaultRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
  try {
    resolveTarget(target, defaultRegion || undefined, REGION_HOW);
  } catch (error) {
    if (error instanceof ImageReferenceError || error instanceof TargetConfigError)
      throw new UsageError(error.message);
    throw error;
  }
  return {
    target,
    json: Boolean(values.json),
    metrics,
    options: {
      defaultRegion,
      ...(timeout !== undefined
        ? {
            credentialsTimeoutMs: timeout,
            tokenTimeoutMs: timeout,
            manifestTimeoutMs: timeout,
            layerTimeoutMs: timeout,
          }
        : {}),
      ...(skew !== undefined ? { clockSkewThresholdSeconds: skew } : {}),
      ...(ca ? { ca } : {}),
    },
  };
}

function metricsRequest(values: ParsedOptions['values']): MetricsRequest {
  const emit = values.emit;
  if (emit !== undefined && !isEmitFormat(emit)) {
    throw new UsageError(`--emit "${emit}" is not a metrics format; allowed: ${EMIT_FORMATS.join(', ')}`);
  }
  const namespace = values.namespace;
  if (namespace !== undefined) {
    if (emit === undefined && !values.publish) {
      throw new UsageError('--namespace applies only with --emit emf or --publish');
    }
    if (!NAMESPACE_PATTERN.test(namespace)) {
      throw new UsageError(
        `--namespace "${namespace}" is not allowed; allowed: 1-255 characters of letters, digits and . _ - / # :, not starting with "AWS/"`,
      );
    }
  }
  return {
    emit: emit ?? null,
    publish: Boolean(values.publish),
    namespace: namespace ?? CANARY_DEFAULTS.namespace,
  };
}

/** How a user of the command names the region of a short IMAGE. */
const REGION_HOW = 'add --region REGION';

/** The token-host rule in the CLI's words; a malformed IMAGE is left to `resolveTarget` to name. */
function refusedDestination(image: string, registryUrl: string | undefined): string | null {
  try {
    return tokenHostProblem(
      parseImageReference(image),
      registryUrl,
      'name the registry with --registry-url URL',
    );
  } catch {
    return null;
  }
}

interface ParsedOptions {
  values: Partial<Record<Exclude<StringOption, 'platform'>, string>> &
    Partial<Record<BooleanOption, boolean>> & { platform?: string[] };
  positionals: string[];
}

/**
 * Node's parser in its lenient mode, for its tokens only: its strict-mode messages give advice about `--` that
 * does not fit here. Each problem is reported the same way: the option as typed and what it needs.
 */
function parseOptions(argv: string[]): ParsedOptions {
  const { tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: Object.fromEntries(
      optionEntries().map(([name, option]) => [
        name,
        { type: option.type, ...(option.short ? { short: option.short } : {}) },
      ]),
    ),
  });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const option = isOptionName(token.name) ? (OPTIONS[token.name] as CliOption) : undefined;
    if (!option) {
      // Node splits `-region` into -r -e -g …; name the argument as typed.
      const typed = argv[token.index] ?? token.rawName;
      const single = /^-[^-]/.test(typed) && typed.length > 2 ? typed.split('=')[0]?.slice(1) : undefined;
      const guess = single ? null : closest(token.name, Object.keys(OPTIONS));
      const hint =
        single && isOptionName(single)
          ? ` (long options take two dashes: --${single})`
          : guess
            ? ` (did you mean --${guess}?)`
            : '';
      throw new UsageError(`unknown option ${single ? typed : token.rawName}${hint}`);
    }
    const flag = `--${token.name}`;
    if (option.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag} takes no value, got "${token.value}"`);
      values[token.name] = true;
      continue;
    }
    // Without a value of its own, Node's parser takes the next option (`--region --json`) as the value.
    if (
      token.value === undefined ||
      token.value === '' ||
      (!token.inlineValue && token.value.startsWith('--'))
    ) {
      const instead = token.value?.startsWith('--') ? `, got the option ${token.value}` : '';
      throw new UsageError(`${flag} needs a value: ${flagWithValue(token.name, option)}${instead}`);
    }
    if (option.multiple) {
      values[token.name] = [...((values[token.name] as string[] | undefined) ?? []), token.value];
    } else if (values[token.name] !== undefined) {
      throw new UsageError(`${flag} given twice ("${values[token.name]}", "${token.value}"); give it once`);
    } else {
      values[token.name] = token.value;
    }
  }
  return { values: values as ParsedOptions['values'], positionals };
}

function optionalNumber(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new UsageError(`${flag} "${value}" must be a number from ${min} to ${max}`);
  }
  return number;
}

/** Runs the CLI and returns its exit status; never throws for a failing endpoint. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let request: CliRequest | 'help';
  try {
    request = parseCliArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`ecr-pull-canary: ${error.message}\n${SYNOPSIS}\n`);
    return EXIT_USAGE;
  }
  if (request === 'help') {
    io.stdout(`${USAGE}\n`);
    return EXIT_HEALTHY;
  }
  const notice = dueSdkNodeNotice(process.version, io.env);
  if (notice) io.stderr(notice);
  // The SDK reads its opt-out from process.env when a client is created; the line above replaces its block.
  process.env[SDK_NODE_WARNING_OPT_OUT] = 'true';
  const resolved = resolveTarget(request.target, request.options.defaultRegion || undefined, REGION_HOW);
  const [result] = await probeTargets([resolved], request.options, {
    clients: createAwsClientFactory(),
    now: Date.now,
  });
  if (!result) throw new Error('the probe returned no result');
  const report = request.json ? `${JSON.stringify(toJsonDocument(result))}\n` : formatHuman(result);
  const exit = result.ok ? EXIT_HEALTHY : EXIT_PROBE_FAILED;
  const { metrics } = request;
  // With --emit, stdout carries nothing but EMF lines, so a log agent can take it as it is.
  if (metrics.emit === 'emf') {
    io.stderr(report);
    for (const line of probeEmfLines([result], metrics.namespace)) io.stdout(`${line}\n`);
  } else {
    io.stdout(report);
  }
  if (!metrics.publish) return exit;
  // No EMF fallback on stdout here: with --emit the lines are already there, and without it stdout is the report.
  const outcome = await publishProbeMetrics([result], metrics.namespace, () => undefined);
  if (outcome.via !== 'EMF') return exit;
  io.stderr(
    `ecr-pull-canary: --publish: PutMetricData to ${result.region} failed, ${outcome.datapoints} datapoint(s) not sent: ${outcome.fallbackReason}\n`,
  );
  return result.ok ? EXIT_METRICS_NOT_PUBLISHED : exit;
}

import {
  ECR_REGISTRY_HOST_FORMS,
  ecrRegistryHost,
  parseImageReference,
} from '../../engine/model/image-ref.ts';
import { resolveTarget } from '../../engine/model/target.ts';
import { redact } from '../../engine/probe/redact.ts';
import type { CliIo } from '../probe/cli.ts';
import { dueSdkNodeNotice, SDK_NODE_WARNING_OPT_OUT } from '../sdk-node-notice.ts';
import {
  CHECK_IDS,
  CHECKS_EXIT,
  type CheckId,
  type CheckResult,
  type ChecksReport,
  checksReport,
  environmentSecrets,
  formatChecks,
  parseCommandOptions,
  UsageError,
} from './check.ts';
import { ecrLoginSecrets } from './docker-config.ts';
import { type DoctorDeps, type DoctorRequest, defaultDoctorDeps, runChecks } from './run.ts';

export const DOCTOR_EXIT = CHECKS_EXIT;

const TITLES: Readonly<Record<CheckId, string>> = {
  credentials: 'credential chain',
  imds: 'instance metadata',
  clock: 'clock',
  docker: "docker's view",
  region: 'region and endpoints',
  pull: 'the pull itself',
};

export const DOCTOR_SYNOPSIS = 'Usage: ecr-pull-canary doctor [--registry HOST|IMAGE] [--json]';

export const DOCTOR_USAGE = `${DOCTOR_SYNOPSIS}

Checks this host's own path to ECR, the part a canary in Lambda never sees, and says for each check what it saw
and the fix (from the same runbooks as the probe):
${CHECK_IDS.map((id) => `  ${id.padEnd(12)}${TITLES[id]}`).join('\n')}

Options:
  --registry HOST|IMAGE   an ECR registry host (ACCOUNT.dkr.ecr.REGION.amazonaws.com and the other ECR forms), or
                          an image on one: adds that registry's docker login, DNS and region, and (IMAGE) a pull
  --json                  print one JSON object: ok, summary, and every check with status, saw, fix, details
  -h, --help              show this help

Each check is pass, warn, fail or skip (nothing to check, e.g. no IMAGE to pull).
Exit status: 0 no check failed (warnings alone exit 0), 1 a check failed, 2 usage error.
Nothing secret is printed: no token from docker's config, no key, no session token.
The instance metadata service, STS and ECR are reached the way the AWS SDK reaches them
(AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_EC2_METADATA_DISABLED, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_ECR, ...).`;

export function parseDoctorArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): (DoctorRequest & { json: boolean }) | 'help' {
  const values = parseCommandOptions(argv, {
    registry: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values === 'help') return 'help';
  const json = Boolean(values.json);
  const registry = values.registry;
  if (registry === undefined) return { registryHost: null, image: null, json };
  const allowed = `allowed: an ECR registry host (${ECR_REGISTRY_HOST_FORMS.join(', ')}) or an image on one`;
  const bare = registry.replace(/^https:\/\//, '').replace(/\/+$/, '');
  if (!bare.includes('/')) {
    if (!ecrRegistryHost(bare)) throw new UsageError(`--registry "${registry}" is not allowed; ${allowed}`);
    return { registryHost: bare, image: null, json };
  }
  let host: string | null;
  try {
    host = parseImageReference(bare).host;
  } catch (error) {
    throw new UsageError(`--registry "${registry}": ${(error as Error).message}`);
  }
  if (!host || !ecrRegistryHost(host))
    throw new UsageError(`--registry "${registry}" is not allowed; ${allowed}`);
  const image = resolveTarget({ image: bare }, env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined, null);
  return { registryHost: host, image, json };
}

export type DoctorReport = ChecksReport<CheckId>;

export const doctorReport = (checks: CheckResult[]): DoctorReport => checksReport(checks);

export const formatDoctor = (report: DoctorReport): string => formatChecks(report, 'doctor', TITLES);

/** Every secret the doctor could have come across on this host, for the last-line redaction of its output. */
function hostSecrets(env: NodeJS.ProcessEnv, deps: DoctorDeps): string[] {
  return [...environmentSecrets(env), ...ecrLoginSecrets(env, deps.home, deps.files)];
}

/** `ecr-pull-canary doctor`: returns the exit status; never throws for a failing endpoint. */
export async function runDoctor(argv: string[], io: CliIo, deps?: Partial<DoctorDeps>): Promise<number> {
  let request: ReturnType<typeof parseDoctorArgs>;
  try {
    request = parseDoctorArgs(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error && error.name === 'TargetConfigError'))
      throw error;
    io.stderr(`ecr-pull-canary doctor: ${(error as Error).message}\n${DOCTOR_SYNOPSIS}\n`);
    return DOCTOR_EXIT.usage;
  }
  if (request === 'help') {
    io.stdout(`${DOCTOR_USAGE}\n`);
    return DOCTOR_EXIT.ok;
  }
  const notice = dueSdkNodeNotice(process.version, io.env);
  if (notice) io.stderr(notice);
  // The SDK reads its opt-out from process.env when a client is created; the line above replaces its block.
  if (process.env[SDK_NODE_WARNING_OPT_OUT] !== 'true') process.env[SDK_NODE_WARNING_OPT_OUT] = 'true';
  const resolved: DoctorDeps = { ...defaultDoctorDeps(io.env), ...deps };
  const report = doctorReport(await runChecks(request, resolved));
  const text = request.json ? `${JSON.stringify(report)}\n` : formatDoctor(report);
  io.stdout(redact(text, hostSecrets(io.env, resolved)));
  return report.ok ? DOCTOR_EXIT.ok : DOCTOR_EXIT.failed;
}

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runExplain } from '../lambda/commands/explain/cli.ts';
import { RUNBOOKS } from '../lambda/engine/model/runbooks.ts';
import type { Category } from '../lambda/engine/model/types.ts';
import { cliBundle } from './support/cli-process.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** How `npm run explain` starts it: from source through tsx (about a second per process, transpiling). */
const TSX_ENTRY = ['--import', 'tsx', 'bin/explain.ts'];

/** The shipped command (`npm run build` → dist/cli.mjs, `explain` subcommand), built once for the run. */
const bundle = cliBundle('explain');

/**
 * `explain` as bin/ecr-pull-canary.ts runs it (runExplain, lambda/commands/explain/cli.ts), in process: the arguments, and
 * standard input as a pipe that holds `input` (empty when not given). The cases below that need the command's
 * own process (exit status, real standard input, the bundle, the sources through tsx) use explainProcess.
 */
async function explain(args: string[], input = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runExplain(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: Readable.from(input ? [Buffer.from(input)] : []),
  });
  return { code, stdout, stderr };
}

/** Runs `explain` as a user would: its own process, arguments, and standard input (closed when not given). */
function explainProcess(args: string[], input = '', entry: readonly string[] = bundle): Promise<Run> {
  return new Promise((resolve) => {
    // No AWS variables, no network: explain never calls anything.
    const child = spawn(process.execPath, [...entry, ...args], { env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

function expectUsageError(run: Run, expected: string): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(expected);
  expect(run.stderr).toContain('Run with --help for usage.');
  expect(run.stdout).toBe('');
}

interface CorpusEntry {
  category: Category;
  message: string;
}
const corpus = (
  JSON.parse(readFileSync(new URL('./fixtures/pull-error-corpus.json', import.meta.url), 'utf8')) as {
    entries: CorpusEntry[];
  }
).entries;

const SEED_DENIED =
  'Error response from daemon: denied: User: arn:aws:iam::123456789012:user/deploy is not authorized to perform: ecr:InitiateLayerUpload on resource: arn:aws:ecr:us-east-1:123456789012:repository/my-app';

describe('explain CLI', () => {
  it('tells a human the category, the evidence, what the text names and the fix', async () => {
    const run = await explain([SEED_DENIED]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('permission: Access denied');
    expect(run.stdout).toMatch(/evidence: +"is not authorized to perform"/);
    expect(run.stdout).toMatch(/rule: +permission\/not-authorized/);
    expect(run.stdout).toMatch(/principal: +arn:aws:iam::123456789012:user\/deploy/);
    expect(run.stdout).toMatch(/action: +ecr:InitiateLayerUpload/);
    expect(run.stdout).toMatch(/repository: +my-app/);
    expect(run.stdout).toContain(`fix:         ${RUNBOOKS.permission.fix}`);
    expect(run.stderr).toBe('');
  });

  it('prints one JSON object with category, evidence, fields and remediation', async () => {
    const run = await explain(['--json', SEED_DENIED]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      category: 'permission',
      evidence: { rule: 'permission/not-authorized', match: 'is not authorized to perform', source: 'text' },
      fields: { principal: 'arn:aws:iam::123456789012:user/deploy', action: 'ecr:InitiateLayerUpload' },
      remediation: RUNBOOKS.permission.fix,
      input: { format: 'text', messages: 1 },
    });
  });

  it('shows each distinct error of pasted output: the cause first, then the others with their own fields and fix', async () => {
    // ElementTech/kube-arch-scheduler#5: no credentials for the helper, so the registry answered 401.
    const pasted = [
      'time="2024-05-04T08:04:25Z" level=error msg="Error retrieving credentials" error="ecr: Failed to get authorization token: operation error ECR: GetAuthorizationToken, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded"',
      'E0504 08:04:25.125601       1 archfilter.go:167] "failed to get image architectures" err=<',
      '\tGET https://111122223333.dkr.ecr.eu-west-2.amazonaws.com/v2/app/manifests/latest: unexpected status code 401 Unauthorized: Not Authorized',
    ].join('\n');
    const human = await explain([], pasted);
    expect(human.code).toBe(0);
    const [cause, other] = human.stdout.split('\nalso 1: ');
    expect(cause?.split('\n')[0]).toBe(`credentials: ${RUNBOOKS.credentials.title}`);
    expect(cause).not.toContain('http status');
    expect(other?.split('\n')[0]).toBe(`auth: ${RUNBOOKS.auth.title}`);
    expect(other).toMatch(/http status: +401/);
    expect(other).toMatch(/region: +eu-west-2/);
    expect(other).toMatch(/fix: +\S/);

    const json = JSON.parse((await explain(['--json'], pasted)).stdout);
    expect(json).toMatchObject({
      category: 'credentials',
      others: [{ category: 'auth', evidence: { rule: 'auth/http-status' }, fields: { httpStatus: 401 } }],
    });
    expect(json.fields.httpStatus).toBeUndefined();
  });

  it('reads the stopped reason and container reasons of `aws ecs describe-tasks` from standard input', async () => {
    // The DescribeTasks response shape (ECS API reference, Task and Container data types).
    const describeTasks = {
      tasks: [
        {
          taskArn: 'arn:aws:ecs:eu-west-1:111122223333:task/prod/0123456789abcdef0',
          lastStatus: 'STOPPED',
          stopCode: 'TaskFailedToStart',
          stoppedReason:
            'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0: pulling from host 111122223333.dkr.ecr.eu-west-1.amazonaws.com failed with status code [manifests 2.14.0]: 403 Forbidden',
          containers: [
            {
              name: 'api',
              image: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0',
              lastStatus: 'STOPPED',
              reason:
                'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0: pulling from host 111122223333.dkr.ecr.eu-west-1.amazonaws.com failed with status code [manifests 2.14.0]: 403 Forbidden',
            },
            { name: 'sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest' },
          ],
        },
      ],
      failures: [],
    };
    const run = await explain(['--json'], JSON.stringify(describeTasks, null, 2));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      category: 'permission',
      evidence: { rule: 'permission/http-status' },
      fields: {
        registry: '111122223333.dkr.ecr.eu-west-1.amazonaws.com',
        account: '111122223333',
        region: 'eu-west-1',
        repository: 'payments/api',
        tag: '2.14.0',
        httpStatus: 403,
      },
      // The same reason on the task and its container counts once.
      input: { format: 'json', messages: 1 },
    });
  });

  it('reads errorCode, errorMessage and eventName of a CloudTrail record', async () => {
    const record = {
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.ecr',
      detail: {
        eventSource: 'ecr.amazonaws.com',
        eventName: 'GetAuthorizationToken',
        awsRegion: 'eu-west-1',
        errorCode: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
        userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/eks-node-role/i-0abc' },
      },
    };
    const run = await explain(['--json'], JSON.stringify(record));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      category: 'throttle',
      fields: { action: 'ecr:GetAuthorizationToken', errorCode: 'ThrottlingException' },
    });
  });

  it("reads the probe's own --json result", async () => {
    const probeResult = {
      ok: false,
      category: 'auth',
      phase: 'manifest',
      errorCode: 'DENIED',
      message: 'registry answered 403: Your authorization token has expired. Reauthenticate and try again.',
    };
    const run = await explain(['--json'], JSON.stringify(probeResult));
    expect(JSON.parse(run.stdout)).toMatchObject({
      category: 'auth',
      fields: { httpStatus: 403, errorCode: 'DENIED' },
    });
  });

  it('picks the pull-failure events out of `kubectl describe pod`', async () => {
    const describe = [
      'Name:         api-7d9c5b6f4d-x2k8p',
      'Namespace:    payments',
      'Containers:',
      '  api:',
      '    Image:          111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0',
      '    State:          Waiting',
      '      Reason:       ImagePullBackOff',
      'Events:',
      '  Type     Reason     Age                From               Message',
      '  ----     ------     ----               ----               -------',
      '  Normal   Scheduled  2m                 default-scheduler  Successfully assigned payments/api-7d9c5b6f4d-x2k8p to ip-10-0-1-23.eu-west-1.compute.internal',
      '  Normal   Pulling    30s (x3 over 2m)   kubelet            Pulling image "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0"',
      '  Warning  Failed     29s (x3 over 2m)   kubelet            Failed to pull image "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0": rpc error: code = NotFound desc = failed to pull and unpack image "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0": failed to resolve reference "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0": 111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0: not found',
      '  Warning  Failed     29s (x3 over 2m)   kubelet            Error: ErrImagePull',
      '  Normal   BackOff    5s (x4 over 2m)    kubelet            Back-off pulling image "111122223333.dkr.ecr.eu-west-1.amazonaws.com/payments/api:2.14.0"',
      '  Warning  Failed     5s (x4 over 2m)    kubelet            Error: ImagePullBackOff',
      '',
    ].join('\n');
    const run = await explain([], describe);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('not-found: Repository or image not found');
    expect(run.stdout).toContain('input:       kubectl describe events, 3 message(s)');
    expect(run.stdout).toMatch(/repository: +payments\/api/);
  });

  it('exits 1 for text no rule explains, and shows it', async () => {
    const run = await explain(['Essential container in task exited']);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('unknown: Unclassified failure');
    expect(run.stdout).toContain('text:        Essential container in task exited');
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--jsn', 'x'], '(did you mean --json?)'],
    [['--json'], 'the error text is empty'],
    [['   '], 'the error text is empty'],
  ])('exits 2 for usage error %j, naming it', async (args, expected) => {
    expectUsageError(await explain(args), expected);
  });

  it('exits 2 for a usage error in its own process, naming it on stderr', async () => {
    expectUsageError(await explainProcess(['--bogus']), "Unknown option '--bogus'");
  });

  it('runs from source as `npm run explain` does (node --import tsx bin/explain.ts)', async () => {
    const run = await explainProcess([SEED_DENIED], '', TSX_ENTRY);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('permission: Access denied');
    expect(run.stderr).toBe('');
  });

  it('prints its usage with --help', async () => {
    const run = await explain(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ecr-pull-canary explain [--json] [TEXT]');
    expect(run.stdout).toContain('Exit status: 0 a category was found, 1 unknown');
  });

  describe('secrets in the input', () => {
    const password = `eyJwYXlsb2FkIjoiQUJDREVGIiwiZGF0YWtleSI6IkdISUpLTCJ9${'Z'.repeat(32)}`;
    const token = Buffer.from(`AWS:${password}`).toString('base64');
    const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const sessionToken = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN';
    const text = [
      `curl -H "Authorization: Basic ${token}" https://111122223333.dkr.ecr.eu-west-1.amazonaws.com/v2/`,
      `Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/x?X-Amz-Security-Token=${sessionToken}&X-Amz-Signature=abcdef0123456789abcdef": dial tcp: i/o timeout`,
      `aws_secret_access_key=${secretKey}`,
      `echo ${password} | docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-west-1.amazonaws.com`,
    ].join('\n');
    const secrets = [token, password, secretKey, sessionToken, 'abcdef0123456789abcdef'];

    it.each([[[]], [['--json']]])('are redacted in every output (%j)', async (args) => {
      const run = await explain(args as string[], text);
      expect(run.code).toBe(0);
      for (const secret of secrets) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
      expect(run.stdout).toContain('[REDACTED]');
    });

    // A second, distinct error after them: the network line is then listed among the others, with its evidence.
    it.each([[[]], [['--json']]])('are redacted in the other errors listed too (%j)', async (args) => {
      const denied =
        'denied: User: arn:aws:sts::111122223333:assumed-role/ci/x is not authorized to perform: ecr:BatchGetImage';
      const run = await explain(args as string[], `${text}\n${denied}`);
      expect(run.code).toBe(0);
      if (args.length > 0) {
        const others = (JSON.parse(run.stdout) as { others: Array<{ evidence: { context?: string } }> })
          .others;
        expect(others.map((other) => other.evidence.context ?? '').join('\n')).toContain('[REDACTED]');
      } else expect(run.stdout).toContain('X-Amz-Security-Token=[REDACTED]');
      for (const secret of secrets) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
    });

    it('never echo a secret passed as a misspelt option', async () => {
      const run = await explain([`--passwd=${password}`]);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain(password);
    });
  });
});

describe('the whole corpus through `explain --json`, reading each message from standard input', () => {
  /** One check for either path: the JSON document's category and the exit status. */
  function verdict(entry: CorpusEntry, stdout: string, code: number): string | null {
    const document = JSON.parse(stdout) as { category: Category };
    const expectedCode = entry.category === 'unknown' ? 1 : 0;
    if (document.category === entry.category && code === expectedCode) return null;
    return `${entry.category} (exit ${expectedCode}) but got ${document.category} (exit ${code}): ${entry.message}`;
  }

  // The CLI's own entry (lambda/commands/explain/cli.ts, what bin/explain.ts runs) in process, for all messages.
  it(`classifies all ${corpus.length} messages right in process (runExplain, as bin/explain.ts calls it)`, async () => {
    const wrong: string[] = [];
    for (const entry of corpus) {
      let stdout = '';
      const code = await runExplain(['--json'], {
        stdout: (text) => {
          stdout += text;
        },
        stderr: () => {},
        stdin: Readable.from([Buffer.from(entry.message)]),
      });
      const problem = verdict(entry, stdout, code);
      if (problem) wrong.push(problem);
    }
    expect(wrong).toEqual([]);
  });

  // The shipped bundle (`npm run build` → dist/cli.mjs explain), in its own process, for one message of every
  // category: the same code, bundled and minified, on plain node.
  const onePerCategory = [...new Map(corpus.map((entry) => [entry.category, entry])).values()];
  it(`classifies one message of each of the ${onePerCategory.length} categories right in the shipped bundle`, async () => {
    expect(new Set(onePerCategory.map((entry) => entry.category)).size).toBe(Object.keys(RUNBOOKS).length);
    const wrong: string[] = [];
    const queue = [...onePerCategory];
    // Two processes at a time: the machine has two cores.
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        for (let entry = queue.shift(); entry; entry = queue.shift()) {
          const run = await explainProcess(['--json'], entry.message);
          const problem = verdict(entry, run.stdout, run.code);
          if (problem) wrong.push(problem);
        }
      }),
    );
    expect(wrong).toEqual([]);
  }, 60_000);
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChecksReport } from '../lambda/commands/doctor/check.ts';
import { runDrillCommand } from '../lambda/commands/drill/cli.ts';
import type { DrillCheckId } from '../lambda/commands/drill/run.ts';
import { SDK_NODE_WARNING_OPT_OUT } from '../lambda/commands/sdk-node-notice.ts';
import { loadConfig } from '../lambda/engine/config/load.ts';
import { cliBundle } from './support/cli-process.ts';
import { useCommandDouble } from './support/command-double.ts';
import type { DeployedAlarm, DeploymentState } from './support/deployment-double.ts';
import type { PreflightDouble, PreflightState } from './support/preflight-double.ts';
import { canaryWorld, topicArn } from './support/status-world.ts';

/**
 * Issue 24, `drill`: the command end to end in process against the loopback double, whose CloudWatch model runs an
 * alarm's actions on a change of state and writes their outcomes to the alarm's history, as CloudWatch documents
 * (test/support/deployment-double.ts); and as the shipped bundle in its own process, interrupted with SIGINT.
 */

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const NAME = 'pull-canary';
const USER = {
  accessKeyId: 'AKIADRILLOPERATOR001',
  secretAccessKey: 'drill-operator-secret-000000000000000000000',
};
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const AVAILABILITY = `${NAME}-${REGION}-availability-critical`;
const PAGER =
  'https://alerts:pager-password-123@events.example.com/integration/0123456789abcdef0123456789abcdef/enqueue';
const CONFIG = {
  name: NAME,
  account: ACCOUNT,
  regions: [REGION],
  targets: [{ name: 'api', image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/team/api:stable` }],
  notifications: { emails: ['oncall@example.com'] },
};

let dir: string;
let double: PreflightDouble;

function configFile(config: unknown = CONFIG, file = 'drill.config.json'): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function world(): PreflightState {
  const state = canaryWorld({
    config: loadConfig(configFile()),
    account: ACCOUNT,
    now: new Date(),
    pager: PAGER,
  });
  const deployment = state.deployment as DeploymentState;
  deployment.actionDelayMs = 30;
  return state;
}

const hostEnv = useCommandDouble(
  'drill-',
  USER,
  REGION,
  world,
  (made) => {
    dir = made;
  },
  (started) => {
    double = started;
  },
);

const alarmNamed = (name: string): DeployedAlarm => {
  const alarm = (double.state.deployment as DeploymentState).alarms.find((a) => a.name === name);
  if (!alarm) throw new Error(`no alarm ${name} in the double`);
  return alarm;
};

/** A signal source a test fires by hand, standing in for the process. */
class Signals {
  private readonly listeners = new Map<string, Set<() => void>>();
  on(event: string, listener: () => void) {
    this.listeners.set(event, new Set([...(this.listeners.get(event) ?? []), listener]));
    return this as unknown as NodeJS.Process;
  }
  off(event: string, listener: () => void) {
    this.listeners.get(event)?.delete(listener);
    return this as unknown as NodeJS.Process;
  }
  emit(event: string) {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
  count() {
    return [...this.listeners.values()].reduce((n, set) => n + set.size, 0);
  }
}

async function drill(
  args: string[],
  deps: { ask?: ((q: string) => Promise<string>) | null; signals?: Signals } = {},
): Promise<{ code: number; report: ChecksReport<DrillCheckId> & { interrupted: boolean }; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runDrillCommand(
    // A wait well inside the test's own timeout: a missing outcome fails with its message, not a timeout.
    ['-c', `config=${configFile()}`, '--json', '--wait', '10', ...args],
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env },
    {
      cwd: dir,
      ask: deps.ask === undefined ? null : deps.ask,
      signals: (deps.signals ?? new Signals()) as unknown as NodeJS.Process,
      pollMs: 20,
    },
  );
  return { code, report: stdout ? JSON.parse(stdout) : null, stderr };
}

const steps = (report: ChecksReport<DrillCheckId>) => report.checks.map((c) => `${c.id} ${c.status}`);

describe('ecr-pull-canary drill, in process against the double', () => {
  it('sets ALARM with a drill reason, reports each action from the history, sets OK back and reports its actions', async () => {
    const { code, report } = await drill(['--yes']);
    expect(steps(report)).toEqual(['alarm pass', 'alarm-action pass', 'restore pass', 'ok-action pass']);
    expect(code).toBe(0);
    const topic = topicArn(loadConfig(configFile()), ACCOUNT, REGION);
    expect(report.checks[1]?.saw).toBe(`Successfully executed action ${topic}`);
    expect(report.checks[3]?.saw).toBe(`Successfully executed action ${topic}`);
    const alarm = alarmNamed(AVAILABILITY);
    expect(alarm.state).toBe('OK');
    const updates = alarm.history.filter((h) => h.type === 'StateUpdate').map((h) => h.summary);
    expect(updates).toEqual(['Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']);
    expect(alarm.history[0]?.data).toMatch(
      /ecr-pull-canary drill drill-[a-z0-9-]+: a test of this alarm's actions/,
    );
    // Nothing but the alarm was changed: two SetAlarmState calls, the rest reads.
    expect(double.calls.filter((c) => c.startsWith('monitoring:SetAlarmState'))).toHaveLength(2);
    expect(double.calls.filter((c) => !/:(Describe|Get|List|SetAlarmState)/.test(c))).toEqual([]);
  });

  it('shows the refused action of a KMS-encrypted topic whose key does not admit CloudWatch, in its history text', async () => {
    const [topic] = double.state.topics;
    if (topic) topic.kmsMasterKeyId = KEY;
    double.state.keys = [
      {
        arn: KEY,
        aliases: ['alias/pager'],
        manager: 'CUSTOMER',
        // The default key policy only: IAM in the account, not the cloudwatch.amazonaws.com service principal.
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        },
      },
    ];
    const { code, report } = await drill(['--yes', '--alarm', 'heartbeat']);
    expect(code).toBe(1);
    const failed = report.checks.find((c) => c.id === 'alarm-action');
    expect(failed?.status).toBe('fail');
    expect(failed?.saw).toBe(
      `Failed to execute action ${topic?.arn}. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`,
    );
    expect(failed?.fix).toContain('cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*');
    expect(alarmNamed(`${NAME}-${REGION}-heartbeat-critical`).state).toBe('OK');
  });

  it('refuses an alarm already in ALARM and one whose actions are disabled, changing nothing', async () => {
    Object.assign(alarmNamed(AVAILABILITY), { state: 'ALARM', reason: 'Threshold Crossed: 2 of 3' });
    let { code, report } = await drill(['--yes']);
    expect(code).toBe(1);
    expect(report.checks[0]?.saw).toContain('is in ALARM already');
    alarmNamed(AVAILABILITY).state = 'OK';
    alarmNamed(AVAILABILITY).actionsEnabled = false;
    ({ code, report } = await drill(['--yes']));
    expect(code).toBe(1);
    expect(report.checks[0]?.fix).toContain('aws cloudwatch enable-alarm-actions');
    expect(double.calls.filter((c) => c.startsWith('monitoring:SetAlarmState'))).toEqual([]);
  });

  it('asks before paging: no terminal and no --yes refuses (exit 2); "n" changes nothing; "y" drills', async () => {
    let result = await drill([], { ask: null });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('refusing to page anyone without asking');
    const questions: string[] = [];
    result = await drill([], {
      ask: async (q) => {
        questions.push(q);
        return 'n';
      },
    });
    expect(result.code).toBe(1);
    expect(questions[0]).toMatch(
      new RegExp(`^This sets ${AVAILABILITY} \\(${ACCOUNT}/${REGION}\\) to ALARM`),
    );
    expect(double.calls.filter((c) => c.startsWith('monitoring:SetAlarmState'))).toEqual([]);
    result = await drill([], { ask: async () => 'y' });
    expect(result.code).toBe(0);
  });

  it("judges the OK actions of the alarm's own next evaluation when it returns to OK first, without setting it again", async () => {
    (double.state.deployment as DeploymentState).reevaluateMs = 10;
    (double.state.deployment as DeploymentState).actionDelayMs = 60;
    const { code, report } = await drill(['--yes']);
    expect(steps(report)).toEqual(['alarm pass', 'alarm-action pass', 'restore pass', 'ok-action pass']);
    expect(report.checks[2]?.saw).toContain('left the drill');
    expect(code).toBe(0);
    expect(double.calls.filter((c) => c.startsWith('monitoring:SetAlarmState'))).toHaveLength(1);
  });

  it('at the deadline, reports the missing outcome and still sets the alarm back to OK', async () => {
    (double.state.deployment as DeploymentState).actionDelayMs = 60_000;
    const { code, report } = await drill(['--yes', '--wait', '1']);
    expect(code).toBe(1);
    expect(report.checks.find((c) => c.id === 'alarm-action')?.saw).toMatch(
      /no outcome in the alarm's history within 1 s/,
    );
    expect(alarmNamed(AVAILABILITY).state).toBe('OK');
  });

  it('on SIGINT while waiting, sets the alarm back to OK and exits 130; its signal listeners are gone after', async () => {
    (double.state.deployment as DeploymentState).actionDelayMs = 60_000;
    const signals = new Signals();
    const running = drill(['--yes'], { signals });
    while (!double.calls.some((c) => c.startsWith('monitoring:SetAlarmState')))
      await new Promise((r) => setTimeout(r, 10));
    expect(alarmNamed(AVAILABILITY).state).toBe('ALARM');
    signals.emit('SIGINT');
    const { code, report } = await running;
    expect(code).toBe(130);
    expect(report.interrupted).toBe(true);
    expect(alarmNamed(AVAILABILITY).state).toBe('OK');
    expect(signals.count()).toBe(0);
  });

  it('a denied SetAlarmState is a failure with the permission to add; the alarm is untouched', async () => {
    double.deny.add('monitoring:SetAlarmState');
    const { code, report } = await drill(['--yes']);
    expect(code).toBe(1);
    expect(report.checks[0]?.saw).toMatch(/^cloudwatch:SetAlarmState was denied: AccessDenied: /);
    expect(report.checks[0]?.fix).toContain('docs/status.md#permissions');
    expect(alarmNamed(AVAILABILITY).state).toBe('OK');
    expect(alarmNamed(AVAILABILITY).history).toEqual([]);
  });

  it('the shipped command, sent SIGINT mid-drill, leaves the alarm OK (and prints no credential)', async () => {
    (double.state.deployment as DeploymentState).actionDelayMs = 60_000;
    const child = spawn(process.execPath, [...cliBundle('drill'), '-c', `config=${configFile()}`, '--yes'], {
      env: { PATH: process.env.PATH ?? '', [SDK_NODE_WARNING_OPT_OUT]: 'true', ...hostEnv() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // SIGINT once the drill waits for the history, as a person pressing Ctrl-C then would.
    while (!stderr.includes('waiting for its actions')) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(alarmNamed(AVAILABILITY).state).toBe('ALARM');
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stdout + stderr).toBe(130);
    expect(alarmNamed(AVAILABILITY).state).toBe('OK');
    expect(stdout).toContain('Interrupted; the alarm was set back to OK');
    for (const secret of [USER.secretAccessKey, 'pager-password-123'])
      expect(stdout + stderr).not.toContain(secret);
  });
});

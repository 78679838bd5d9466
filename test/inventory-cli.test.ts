import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../lambda/commands/commands.ts';
import { runInventoryCommand } from '../lambda/commands/inventory/cli.ts';
import { clearTaskDefinitionCache } from '../lambda/engine/inventory/discover.ts';
import { type InventoryDouble, startInventoryDouble } from './support/inventory-double.ts';
import {
  ACCOUNT,
  addService,
  DAY,
  digest,
  emptyState,
  host,
  IDENTITY,
  inventory,
  REGION,
} from './support/inventory-fixtures.ts';

const NOW = Date.UTC(2026, 11, 7, 12);
let double: InventoryDouble;

beforeAll(async () => {
  double = await startInventoryDouble({ identities: [IDENTITY], state: emptyState() });
});
afterAll(() => double.close());
beforeEach(() => {
  Object.assign(double.state, emptyState());
  clearTaskDefinitionCache();
});

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runInventoryCommand(
    argv,
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { AWS_SECRET_ACCESS_KEY: IDENTITY.secretAccessKey },
    },
    { now: () => NOW, endpoint: double.url, credentials: IDENTITY },
  );
  return { code, stdout, stderr };
}

function atRiskRegion(): void {
  const running = digest('gone');
  double.state.repositories[`${ACCOUNT}/api`] = {
    images: [{ digest: digest('cold'), tags: ['v2'], pushedAt: NOW - 200 * DAY, status: 'ARCHIVED' }],
  };
  addService(double.state, { name: 'api', image: `${host()}/api:v2`, runningDigest: running });
}

describe('ecr-pull-canary inventory', () => {
  it('prints what is at risk with the fix, and exits 1', async () => {
    atRiskRegion();
    const { code, stdout } = await run(['--region', REGION]);
    expect(code).toBe(1);
    expect(stdout).toContain(`Images in use in ${REGION}`);
    expect(stdout).toMatch(/AT RISK\s+service prod\/api\s+api:v2\s+archived/);
    expect(stdout).toContain(
      `fix: aws ecr update-image-storage-class --registry-id ${ACCOUNT} --repository-name api`,
    );
    expect(stdout).toMatch(/AT RISK\s+service prod\/api\s+api@sha256:\S+\s+missing/);
    expect(stdout).toContain('2 at risk (missing 1, archived 1), 0 not checked');
    expect(stdout).not.toContain(IDENTITY.secretAccessKey);
  });

  it('prints the same verdicts as the engine the scheduled function runs, as JSON', async () => {
    atRiskRegion();
    const { code, stdout } = await run(['--region', REGION, '--json']);
    expect(code).toBe(1);
    const printed = JSON.parse(stdout) as { checks: unknown[]; atRiskTotal: number };
    clearTaskDefinitionCache();
    const engine = await inventory(double, { now: NOW });
    expect(printed.checks).toEqual(JSON.parse(JSON.stringify(engine.checks)));
    expect(printed.atRiskTotal).toBe(2);
  });

  it('exits 0 when every image in use is pullable', async () => {
    const d = digest('fine');
    double.state.repositories[`${ACCOUNT}/api`] = { images: [{ digest: d, tags: ['v1'], pushedAt: NOW }] };
    addService(double.state, { name: 'api', image: `${host()}/api:v1`, runningDigest: d });
    const { code, stdout } = await run(['--region', REGION]);
    expect(code).toBe(0);
    expect(stdout).toContain('0 at risk, 0 not checked, 0 notices, 1 ok');
  });

  it.each([
    [['--region', 'eu-wset-1'], /--region "eu-wset-1" is not a region: .*did you mean "eu-west-1"/],
    [['--horizon-days', '0'], /--horizon-days "0" must be a whole number from 1 to 365/],
    [['extra'], /unexpected argument "extra"/],
  ])('refuses %j with exit 2', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('is in the command table, loaded when run', async () => {
    let stdout = '';
    const code = await runCommand(['inventory', '--help'], {
      stdout: (t) => (stdout += t),
      stderr: () => {},
      env: {},
      stdin: null,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: ecr-pull-canary inventory [--region R]');
  });
});

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireRegistryPrograms } from './prerequisites.ts';

/** The user name ECR puts in every authorization token; the test registry uses the same. */
export const REGISTRY_USER = 'AWS';

/** Long enough for a cold start on a loaded CI machine; a healthy start takes well under a second. */
const STARTUP_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const STDERR_KEEP_BYTES = 16_384;
const PORT_ATTEMPTS = 3;

export interface RunningRegistry {
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** PEM of the throwaway CA that signed the server certificate. */
  readonly caPem: string;
  readonly caPath: string;
  /** Server certificate (SAN IP 127.0.0.1 and DNS localhost) and its key, reusable by other test servers. */
  readonly certPath: string;
  readonly keyPath: string;
  readonly htpasswdPath: string;
  readonly user: typeof REGISTRY_USER;
  readonly password: string;
  /** Last lines the registry wrote to stderr, for failure messages. */
  stderr(): string;
  /** Kills the registry and removes its temp dir (certificates, htpasswd, storage). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the Debian `docker-registry` (CNCF Distribution 2.8) on a free loopback port with TLS and htpasswd
 * auth, in a fresh temp dir, and resolves once `GET /v2/` answers 401. Throws MissingPrerequisiteError,
 * naming the Debian package of each missing program, before it creates anything.
 */
export async function startRegistry(): Promise<RunningRegistry> {
  const programs = requireRegistryPrograms();
  const dir = await mkdtemp(join(tmpdir(), 'ecr-pull-canary-registry-'));
  try {
    const tls = await makeCertificates(programs.openssl, dir);
    const password = randomBytes(18).toString('base64url');
    const htpasswdPath = join(dir, 'htpasswd');
    await writeFile(htpasswdPath, await htpasswdLine(programs.htpasswd, REGISTRY_USER, password), {
      mode: 0o600,
    });
    await mkdir(join(dir, 'storage'));

    let lastError: unknown;
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'config.yml');
      await writeFile(configPath, registryConfig({ dir, port, htpasswdPath, ...tls }));
      try {
        const proc = await launch(programs['docker-registry'], dir, configPath, port, tls.caPem);
        return running({ dir, port, password, htpasswdPath, proc, ...tls });
      } catch (error) {
        lastError = error;
        // Another process may have taken the port between probing and binding; anything else is fatal.
        if (!(error instanceof RegistryStartError && /address already in use/i.test(error.stderr))) break;
      }
    }
    throw lastError;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export class RegistryStartError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(stderr ? `${message}\nregistry stderr:\n${stderr}` : message);
    this.name = 'RegistryStartError';
    this.stderr = stderr;
  }
}

export interface TlsFiles {
  caPem: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}

interface GuardedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr(): string;
}

function running(opts: {
  dir: string;
  port: number;
  password: string;
  htpasswdPath: string;
  proc: GuardedProcess;
  caPem: string;
  caPath: string;
  certPath: string;
  keyPath: string;
}): RunningRegistry {
  const { dir, proc } = opts;
  let stopping: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${opts.port}`,
    port: opts.port,
    caPem: opts.caPem,
    caPath: opts.caPath,
    certPath: opts.certPath,
    keyPath: opts.keyPath,
    htpasswdPath: opts.htpasswdPath,
    user: REGISTRY_USER,
    password: opts.password,
    stderr: proc.stderr,
    stop() {
      stopping ??= (async () => {
        await terminate(proc);
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

export async function makeCertificates(openssl: string, dir: string): Promise<TlsFiles> {
  const caKey = join(dir, 'ca.key');
  const caPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'server.key');
  const csrPath = join(dir, 'server.csr');
  const certPath = join(dir, 'server.pem');
  const extPath = join(dir, 'server.ext');
  // P-256 keys: RSA key generation alone would add a noticeable share of the start-up time.
  await runTool(openssl, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caPath,
    '-days',
    '2',
    '-subj',
    '/CN=ecr-pull-canary throwaway test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await runTool(openssl, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    csrPath,
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(
    extPath,
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await runTool(openssl, [
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    caPath,
    '-CAkey',
    caKey,
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    '2',
    '-extfile',
    extPath,
    '-out',
    certPath,
  ]);
  return { caPem: await readFile(caPath, 'utf8'), caPath, certPath, keyPath };
}

/** bcrypt is the only hash Distribution accepts; the password goes through stdin so no `ps` shows it. */
async function htpasswdLine(htpasswd: string, user: string, password: string): Promise<string> {
  return runTool(htpasswd, ['-B', '-i', '-n', user], password);
}

function registryConfig(opts: { dir: string; port: number; htpasswdPath: string } & TlsFiles): string {
  // JSON strings are valid YAML scalars, which sidesteps quoting rules for temp paths.
  const q = JSON.stringify;
  return `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${q(join(opts.dir, 'storage'))}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: ${q(`127.0.0.1:${opts.port}`)}
  secret: ${q(randomBytes(24).toString('hex'))}
  tls:
    certificate: ${q(opts.certPath)}
    key: ${q(opts.keyPath)}
auth:
  htpasswd:
    realm: "https://127.0.0.1/"
    path: ${q(opts.htpasswdPath)}
`;
}

/**
 * The registry runs under a small Node watchdog that kills it as soon as our stdin pipe closes. The pipe
 * closes whenever this process dies, however it dies (SIGKILL included), so an interrupted test run cannot
 * leave a registry behind; an `exit` handler alone misses signals nobody handles. For the same reason the
 * watchdog, not only `stop()`, removes the temp dir once it has been told to stop; a registry that exits on
 * its own (port taken) leaves the dir for the next attempt.
 */
const WATCHDOG = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [command, args, dir] = JSON.parse(process.argv[1]);
const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let told = false;
const kill = (signal) => () => { told = true; try { child.kill(signal); } catch {} };
process.stdin.on('end', kill('SIGKILL')).on('close', kill('SIGKILL')).on('error', () => {}).resume();
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, kill('SIGTERM'));
child.on('error', (error) => { process.stderr.write(String(error) + '\\n'); process.exit(127); });
child.on('exit', (code, signal) => {
  if (told) rmSync(dir, { recursive: true, force: true });
  process.exit(code ?? (signal === 'SIGTERM' ? 0 : 137));
});
`;

async function launch(
  binary: string,
  dir: string,
  configPath: string,
  port: number,
  caPem: string,
): Promise<GuardedProcess> {
  const watched = JSON.stringify([binary, ['serve', configPath], dir]);
  const child = spawn(process.execPath, ['-e', WATCHDOG, watched], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_BYTES);
  });
  // The watchdog's stdin is never written, only closed; a pipe error there (EPIPE once the watchdog is
  // gone) says nothing the exit status does not, and must not become an unhandled 'error' in the test run.
  guardStdio(child);
  const exited = new Promise<void>((resolve) => {
    // A watchdog that cannot even be started reports 'error' and may never emit 'exit'.
    child.once('error', (error) => {
      stderr += `${error.message}\n`;
      resolve();
    });
    child.once('exit', () => {
      // 'close' means stderr has drained, so a start-up failure message is complete; bounded, because a
      // stray grandchild holding the pipe must not stall a stop.
      const timer = setTimeout(resolve, 500);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  });
  // Belt and braces for a normal exit without teardown: the watchdog stops the registry gracefully.
  const killOnExit = (): void => {
    child.kill('SIGTERM');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const proc: GuardedProcess = { child, exited, stderr: () => stderr };

  try {
    await waitUntilUp(port, caPem, proc);
  } catch (error) {
    await terminate(proc);
    throw new RegistryStartError((error as Error).message, stderr);
  }
  return proc;
}

async function waitUntilUp(port: number, caPem: string, proc: GuardedProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`docker-registry exited during start-up (code ${proc.child.exitCode})`);
    }
    try {
      const status = await pingStatus(port, caPem);
      if (status === 401) return;
      lastProblem = `GET /v2/ answered ${status}, expected 401 (htpasswd auth)`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `docker-registry did not answer GET /v2/ with 401 within ${STARTUP_TIMEOUT_MS} ms (last: ${lastProblem})`,
  );
}

function pingStatus(port: number, caPem: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host: '127.0.0.1', port, path: '/v2/', ca: caPem, agent: false, timeout: 1_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('GET /v2/ timed out')));
    req.on('error', reject);
  });
}

async function terminate(proc: GuardedProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    await proc.exited;
    return;
  }
  proc.child.kill('SIGTERM');
  // Closing the watchdog's stdin makes it SIGKILL the registry; SIGKILL on the watchdog itself would orphan it.
  const escalate = setTimeout(() => proc.child.stdin?.destroy(), STOP_GRACE_MS);
  const last = setTimeout(() => proc.child.kill('SIGKILL'), 2 * STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(escalate);
  clearTimeout(last);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probe server port'));
      });
    });
  });
}

/**
 * Runs a tool to completion with `stdin` as its input. Its exit status is the verdict: a tool that exits
 * without reading its input (or never starts) makes the write fail with EPIPE, which is reported through the
 * callback's error, not as an unhandled 'error' event that would crash the test run.
 */
export function runTool(command: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args[0] ?? ''} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
    guardStdio(child);
    child.stdin?.end(stdin ?? '');
  });
}

/** Pipe errors on a child's stdio (EPIPE, ECONNRESET) surface as its exit status instead of crashing us. */
function guardStdio(child: ChildProcess): void {
  for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on('error', () => {});
}

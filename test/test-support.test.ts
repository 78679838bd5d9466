/**
 * The test harness's own failure paths: a tool that exits without reading its input, a missing Debian
 * package, a server closed with hung and keep-alive connections. None of them may crash or hang a run.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackServerSockets } from './support/close-server.ts';
import {
  findOnPath,
  MissingPrerequisiteError,
  REGISTRY_PREREQUISITES,
  requireRegistryPrograms,
} from './support/prerequisites.ts';
import { runTool } from './support/registry.ts';

const work = mkdtempSync(join(tmpdir(), 'canary-support-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding executables with the given names, as a PATH of its own. */
function binDir(name: string, commands: string[]): string {
  const bin = mkdtempSync(join(work, `${name}-`));
  for (const command of commands) {
    writeFileSync(join(bin, command), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, command), 0o755);
  }
  return bin;
}

describe('runTool', () => {
  it('survives a tool that exits without reading its input (no unhandled EPIPE)', async () => {
    // A megabyte cannot fit in the pipe buffer, so the write outlives `true` and fails with EPIPE; unhandled,
    // that error crashed vitest before any test ran. vitest fails this test on any unhandled error.
    for (let i = 0; i < 5; i += 1) {
      await expect(runTool('true', [], 'x'.repeat(1 << 20))).resolves.toBe('');
    }
  });

  it('rejects, naming the tool, when the tool is not installed', async () => {
    await expect(runTool(join(work, 'no-such-tool'), ['--version'], 'input')).rejects.toThrow(
      /no-such-tool --version failed: spawn .*ENOENT/,
    );
  });
});

describe('registry prerequisites', () => {
  const all = REGISTRY_PREREQUISITES.map((item) => item.command);

  it('finds every program on PATH and returns its absolute path', () => {
    const bin = binDir('all', all);
    expect(requireRegistryPrograms(bin)).toEqual({
      'docker-registry': join(bin, 'docker-registry'),
      htpasswd: join(bin, 'htpasswd'),
      openssl: join(bin, 'openssl'),
    });
  });

  it('names a missing htpasswd, its Debian package apache2-utils and the install command', () => {
    const bin = binDir('no-htpasswd', ['docker-registry', 'openssl']);
    let error: unknown;
    try {
      requireRegistryPrograms(bin);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MissingPrerequisiteError);
    const message = (error as Error).message;
    expect(message).toContain('htpasswd');
    expect(message).toContain('Debian package apache2-utils');
    expect(message).toContain('sudo apt-get install -y apache2-utils');
    expect(message).not.toContain('openssl (');
    expect((error as MissingPrerequisiteError).missing.map((item) => item.debianPackage)).toEqual([
      'apache2-utils',
    ]);
  });

  it('lists every missing package in one install command', () => {
    const bin = binDir('none', []);
    expect(() => requireRegistryPrograms(bin)).toThrow(
      'Install with: sudo apt-get install -y docker-registry apache2-utils openssl',
    );
  });

  it('ignores relative PATH entries and directories named like the program', () => {
    const bin = binDir('dir-named', []);
    mkdirSync(join(bin, 'htpasswd'));
    expect(findOnPath('htpasswd', `relative/bin:${bin}`)).toBeUndefined();
  });
});

describe('trackServerSockets', () => {
  it('closes a server at once with a hung request and an idle keep-alive connection open', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/hang') return; // never answered
      res.end('ok');
    });
    const closer = trackServerSockets(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    try {
      const ok = await new Promise<number>((resolve, reject) => {
        http
          .get({ port, host: '127.0.0.1', path: '/ok', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
      expect(ok).toBe(200);
      const hung = new Promise<string>((resolve) => {
        http
          .get({ port, host: '127.0.0.1', path: '/hang' }, () => resolve('answered'))
          .on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? error.message));
      });
      // Let the hung request reach the server before closing.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await closer.close();
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(server.listening).toBe(false);
      expect(await hung).toBe('ECONNRESET');
      await expect(closer.close()).resolves.toBeUndefined();
    } finally {
      agent.destroy();
    }
  });

  it("closes although Node's idle-connection walk meets a parser whose socket is already null", async () => {
    // What Node 20 does after a reset TLS connection (see close-server.ts), made deterministic here.
    const server = http.createServer((_req, res) => res.end('ok'));
    server.closeIdleConnections = () => {
      throw new TypeError("Cannot read properties of null (reading '_httpMessage')");
    };
    const closer = trackServerSockets(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await expect(closer.close()).resolves.toBeUndefined();
    expect(server.listening).toBe(false);
  });

  it('does not swallow any other error of the walk', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    server.closeIdleConnections = () => {
      throw new RangeError('something else');
    };
    const closer = trackServerSockets(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await expect(closer.close()).rejects.toThrow('something else');
    // Back to Node's own walk to close the server for real.
    Reflect.deleteProperty(server, 'closeIdleConnections');
    await new Promise((resolve) => server.close(resolve));
  });
});

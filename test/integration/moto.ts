import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { assert } from 'vitest';

/**
 * moto (python3 -m moto.server), an AWS emulator over real HTTP, for the integration tests: served
 * on 127.0.0.1 only, on a free port, started and stopped by the test that uses it.
 */

export const motoAvailable = spawnSync('python3', ['-c', 'import moto.server'], { stdio: 'ignore' }).status === 0;
export const skippedBecause = 'moto not installed: python3 -m moto.server unavailable';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new TypeError('no TCP port was assigned');
  return address.port;
}

/** A moto server on 127.0.0.1; `stop` ends it. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto and waits until it answers; fails with what moto printed when it exits or never answers (45 s). */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let log = '';
  const server: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  server.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) assert.fail(`moto exited with ${server.exitCode}: ${log.slice(-2000)}`);
    const answered = await fetch(`${endpoint}/moto-api/`).then((response) => response.ok, () => false);
    if (answered) return { endpoint, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  assert.fail(`moto did not answer on ${endpoint} within 45 s: ${log.slice(-2000)}`);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The opsflow command as a person runs it; the environment is only what is given (no profile of this machine leaks in). */
export function opsflow(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/opsflow.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

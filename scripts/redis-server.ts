/**
 * A Redis of one's own for the tests and benchmarks: Debian's redis-server on a free loopback
 * port, nothing saved to disk, killed at the latest when this process exits. Where it is not
 * installed, tests skip with a message (redisAvailable) and benchmarks stop with one.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as net from 'net';

export const REDIS_SERVER = ['/usr/bin/redis-server', 'redis-server'].find((s) => spawnSync(s, ['--version']).status === 0) ?? null;

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface LocalRedis {
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Stops the server (SIGTERM) and waits for it to be gone; its data goes with it. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => running.forEach((p) => p.kill('SIGKILL')));

export async function startRedis(): Promise<LocalRedis> {
  if (!REDIS_SERVER) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
  const port = await freePort();
  let server: ChildProcess | null = null;
  const start = async () => {
    const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    server = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    for (let i = 0; !(await accepting(port)); i++) {
      if (i > 250 || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = async () => {
    const child = server;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}

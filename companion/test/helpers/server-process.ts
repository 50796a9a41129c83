import { spawn, type ChildProcess } from 'node:child_process';

/** Resolves with the server's URL once it logs that it listens; rejects if it exits first. */
export function listening(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
  });
}

/** `node <entry> ...args` as a child process (stderr piped for the address), once it listens. */
export async function spawnServer(entry: string[], args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...entry, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  return { url: await listening(child), child };
}

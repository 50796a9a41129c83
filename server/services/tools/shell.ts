/**
 * Runs a command for the agent: `sh -c` in the workspace, with a time limit, an environment
 * reduced to an allowlist (the engine's own secrets and API keys stay out), output kept within
 * a memory bound (its head and its tail), and the whole process group killed on timeout or
 * abort (the command runs detached as a group leader, so `kill(-pid)` reaches its children).
 */
import { spawn } from 'node:child_process';

export interface RunCommandOptions {
  command: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Extra variables (integration `%VAR%` values), on top of the allowlisted ones. */
  env?: Record<string, string>;
  /** Bytes kept of each stream's head and of its tail. */
  keepBytes?: number;
  /** Called with the child's pid once it runs (tests watch the process group). */
  onSpawn?: (pid: number) => void;
}

export interface CommandOutcome {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** Set when the command could not start at all. */
  spawnError?: string;
}

/** Variables a command may inherit; everything else (keys, tokens) stays with the engine. */
export const ENV_ALLOWLIST = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR', 'TZ', 'PWD', 'EDITOR', 'PAGER', 'NODE_PATH', 'GOPATH', 'CARGO_HOME', 'RUSTUP_HOME', 'JAVA_HOME', 'PYTHONPATH', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'DISPLAY', 'XDG_RUNTIME_DIR', 'SSH_AUTH_SOCK'];

export function allowedEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && (ENV_ALLOWLIST.includes(key) || key.startsWith('LC_'))) out[key] = value;
  }
  return out;
}

/** Keeps the first and the last `keep` bytes of a stream and counts what fell between. */
class HeadTail {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    if (this.headBytes < this.keep) {
      const take = chunk.subarray(0, this.keep - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tailBytes - this.tail[0]!.length >= this.keep) {
      this.tailBytes -= this.tail[0]!.length;
      this.dropped += this.tail.shift()!.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.keep) {
      this.dropped += tail.length - this.keep;
      tail = tail.subarray(tail.length - this.keep);
    }
    const cut = this.dropped > 0 ? `\n... ${this.dropped} bytes of output skipped ...\n` : '';
    return head + cut + tail.toString('utf8');
  }
}

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function runCommand(options: RunCommandOptions): Promise<CommandOutcome> {
  const started = performance.now();
  const keep = options.keepBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    if (options.signal.aborted) {
      resolve({ stdout: '', stderr: '', exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 });
      return;
    }
    const child = spawn('sh', ['-c', options.command], {
      cwd: options.cwd,
      env: { ...allowedEnv(process.env), ...options.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = new HeadTail(keep);
    const err = new HeadTail(keep);
    let timedOut = false;
    let aborted = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    if (child.pid) options.onSpawn?.(child.pid);
    const finish = (exitCode: number | null, signal: string | null, spawnError?: string) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({
        stdout: out.text().replace(ANSI, ''),
        stderr: err.text().replace(ANSI, ''),
        exitCode, signal, timedOut, aborted,
        durationMs: performance.now() - started,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    // Children the command left running in the background die with it, so their open pipes
    // cannot hold the result back until the time limit.
    child.once('exit', killGroup);
    child.once('error', (error) => finish(null, null, error.message));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Refact's layout of a command's output for the model. */
export function formatCommandOutput(command: string, outcome: CommandOutcome, shorten: (text: string) => string, timeoutS: number): string {
  if (outcome.spawnError) return `Failed to spawn command: ${outcome.spawnError}`;
  const stdout = shorten(outcome.stdout);
  const stderr = shorten(outcome.stderr);
  let text = '';
  if (stdout && !stderr) text += `${stdout}\n\n`;
  else {
    if (stdout) text += `STDOUT\n\`\`\`\n${stdout}\n\`\`\`\n\n`;
    if (stderr) text += `STDERR\n\`\`\`\n${stderr}\n\`\`\`\n\n`;
    if (!stdout && !stderr) text += 'Nothing in STDOUT/STDERR\n\n';
  }
  const seconds = (outcome.durationMs / 1000).toFixed(3);
  if (outcome.timedOut) return `${text}Command '${command}' timed out after ${timeoutS} seconds; it and its child processes were killed. The output above is what it printed until then.\n`;
  if (outcome.aborted) return `${text}Command '${command}' was stopped by the user after ${seconds}s; it and its child processes were killed.\n`;
  return `${text}The command was running ${seconds}s, finished with exit code ${outcome.exitCode ?? `none (signal ${outcome.signal})`}\n`;
}

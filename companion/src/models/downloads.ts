import { downloadModel, parseDownloadArg } from '../registry/download';
import type { ServerLog } from '../server-log';

export interface DownloadJob {
  name: string;
  state: 'running' | 'done' | 'failed';
  /** The last progress line, or the error. */
  line: string;
  started: string;
}

/**
 * Registry downloads started from the admin UI, run in the background with their progress
 * kept for the UI to poll. One job per model name at a time.
 */
export class Downloads {
  private readonly jobs = new Map<string, DownloadJob>();

  constructor(private readonly permDir: string, private readonly log: ServerLog) {}

  list(): DownloadJob[] {
    return [...this.jobs.values()].map((j) => ({ ...j }));
  }

  /** Starts a download (a registry name, or `NAME=URL`); throws at once on an unknown name. */
  start(arg: string): DownloadJob {
    const req = parseDownloadArg(arg);
    const running = this.jobs.get(req.name);
    if (running?.state === 'running') return { ...running };
    const job: DownloadJob = { name: req.name, state: 'running', line: 'starting', started: new Date().toISOString() };
    this.jobs.set(req.name, job);
    this.log.info(`download of ${req.name} started from ${req.source}`);
    downloadModel(req, this.permDir, (line) => (job.line = line)).then(
      () => {
        job.state = 'done';
        this.log.info(job.line);
      },
      (err: Error) => {
        job.state = 'failed';
        job.line = err.message;
        this.log.error(err.message);
      },
    );
    return { ...job };
  }
}

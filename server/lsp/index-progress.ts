/**
 * Shows indexing in the editor as LSP work-done progress (`$/progress`): begun when a scan
 * starts, reported as files are parsed, ended when the index is done. Clients that did not
 * announce `window.workDoneProgress` get a silent reporter from the library.
 */
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { IndexProgress } from '../services/ast-index-service';

export type ProgressSource = (listener: (progress: IndexProgress) => void) => () => void;

export function reportIndexProgress(connection: Connection, source: ProgressSource): () => void {
  let reporter: WorkDoneProgressServerReporter | null = null;
  // Progress calls are chained so that begin, report and done reach the client in order.
  let chain = Promise.resolve();
  return source((progress) => {
    chain = chain
      .then(async () => {
        const percentage = progress.total ? Math.floor((100 * progress.done) / progress.total) : 0;
        const message = `${progress.done}/${progress.total} files`;
        if (progress.state === 'done') {
          reporter?.done();
          reporter = null;
        } else if (!reporter) {
          reporter = await connection.window.createWorkDoneProgress();
          reporter.begin('Refact TS: indexing', percentage, message, false);
        } else reporter.report(percentage, message);
      })
      .catch(() => {
        reporter = null;
      });
  });
}

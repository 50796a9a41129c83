/**
 * Refact's checkpoint routes: `POST /v1/checkpoints-preview` lists what restoring a snapshot
 * would change (and snapshots the present, to undo the restore), `POST /v1/checkpoints-restore`
 * brings the files back. A malformed body is a 422; a checkpoint that cannot be used answers
 * 200 with the reason in `error_log`, as Refact does. Truncating the chat after a restore is
 * the session's: it hears of each restore through `onRestored`.
 */
import { ToolRoutes, type Checkpoint, type CheckpointsPreviewResponse, type CheckpointsRestoreResponse } from '../../../src/protocol/tools';
import type { Checkpoints } from '../../services/tools/checkpoints';
import type { RouteModule } from '../app';
import { problem } from '../errors';
import { jsonBody, textBodyScope } from './tools';

export interface CheckpointRouteDeps {
  checkpoints: Checkpoints;
  onRestored?: (chatId: string, restored: Checkpoint[]) => void;
}

function parse(raw: unknown): { checkpoints: Checkpoint[]; chatId: string } {
  const body = jsonBody(raw);
  const list = body.checkpoints;
  const valid = Array.isArray(list) && list.every((c) => typeof (c as Checkpoint)?.workspace_folder === 'string' && typeof (c as Checkpoint)?.commit_hash === 'string');
  if (!valid) throw problem('Unprocessable', 'JSON problem: `checkpoints` must be a list of {workspace_folder, commit_hash}');
  if (list.length === 0) throw problem('Unprocessable', 'No checkpoints to restore');
  const meta = (body.meta ?? {}) as { chat_id?: unknown };
  return { checkpoints: list as Checkpoint[], chatId: typeof meta.chat_id === 'string' ? meta.chat_id : '' };
}

export function checkpointRoutes(deps: CheckpointRouteDeps): RouteModule {
  return (app) => {
    textBodyScope(app, (scope) => {
      scope.post(ToolRoutes.checkpointsPreview, async (request): Promise<CheckpointsPreviewResponse> => {
        const { checkpoints } = parse(request.body);
        const out: CheckpointsPreviewResponse = { reverted_changes: [], checkpoints_for_undo: [], reverted_to: '', error_log: [] };
        for (const checkpoint of checkpoints) {
          try {
            const preview = await deps.checkpoints.preview(checkpoint);
            out.reverted_changes.push({ workspace_folder: preview.workspace_folder, files_changed: preview.files_changed });
            out.checkpoints_for_undo.push(preview.checkpoint_for_undo);
            out.reverted_to = preview.reverted_to;
          } catch (error) {
            out.error_log.push((error as Error).message);
          }
        }
        return out;
      });
      scope.post(ToolRoutes.checkpointsRestore, async (request): Promise<CheckpointsRestoreResponse> => {
        const { checkpoints, chatId } = parse(request.body);
        const errors: string[] = [];
        for (const checkpoint of checkpoints) {
          try {
            await deps.checkpoints.restore(checkpoint);
          } catch (error) {
            errors.push((error as Error).message);
          }
        }
        if (errors.length === 0) deps.onRestored?.(chatId, checkpoints);
        return { success: errors.length === 0, error_log: errors };
      });
    });
  };
}

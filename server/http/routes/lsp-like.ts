/**
 * Refact's LSP-less routes, for clients that talk HTTP only: workspace folders, document text
 * and the active document. One-line adapters into the workspace and documents services.
 */
import type { LspLikeDidChange, LspLikeInitialize, LspLikeInitializeResult, LspLikeUri } from '../../../src/protocol/workspace';
import { WorkspaceRoutes } from '../../../src/protocol/workspace';
import type { DocumentsService } from '../../services/documents';
import type { WorkspaceFiles } from '../../services/workspace-files';
import { uriToPath, type WorkspaceService } from '../../services/workspace';
import type { RouteModule } from '../app';
import { problem } from '../errors';

export interface LspLikeDeps {
  documents: DocumentsService;
  workspace: WorkspaceService;
  files: WorkspaceFiles;
}

const uriBody = {
  type: 'object',
  required: ['uri'],
  properties: { uri: { type: 'string', minLength: 1 } },
} as const;

function pathOf(uri: string): string {
  const path = uriToPath(uri);
  if (!path) throw problem('BadRequest', `'${uri}' is not a file URI or path`);
  return path;
}

export function lspLikeRoutes(deps: LspLikeDeps): RouteModule {
  return (app) => {
    app.post<{ Body: LspLikeInitialize }>(
      WorkspaceRoutes.lspInitialize,
      { schema: { body: { type: 'object', required: ['project_roots'], properties: { project_roots: { type: 'array', items: { type: 'string' } } } } } },
      async (request): Promise<LspLikeInitializeResult> => {
        deps.workspace.setFolders(request.body.project_roots.map(pathOf));
        const listing = await deps.files.list(deps.workspace.list());
        return { success: 1, files_found: listing.files.length };
      },
    );
    app.post<{ Body: LspLikeDidChange }>(
      WorkspaceRoutes.lspDidChanged,
      { schema: { body: { type: 'object', required: ['uri', 'text'], properties: { uri: { type: 'string', minLength: 1 }, text: { type: 'string' } } } } },
      async (request) => {
        pathOf(request.body.uri);
        deps.documents.replaceText(request.body.uri, request.body.text);
        return { success: 1 };
      },
    );
    app.post<{ Body: LspLikeUri }>(WorkspaceRoutes.lspAddFolder, { schema: { body: uriBody } }, async (request) => {
      deps.workspace.addFolder(pathOf(request.body.uri));
      return { success: 1 };
    });
    app.post<{ Body: LspLikeUri }>(WorkspaceRoutes.lspRemoveFolder, { schema: { body: uriBody } }, async (request) => {
      deps.workspace.removeFolder(pathOf(request.body.uri));
      return { success: 1 };
    });
    app.post<{ Body: LspLikeUri }>(WorkspaceRoutes.lspSetActiveDocument, { schema: { body: uriBody } }, async (request) => {
      pathOf(request.body.uri);
      deps.documents.setActive(request.body.uri);
      return { success: true };
    });
  };
}

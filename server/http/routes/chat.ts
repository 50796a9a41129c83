/**
 * Refact's chat-session routes: `GET /v1/chats/subscribe?chat_id=` (an event stream) and
 * `POST /v1/chats/{id}/commands`. Thin: the sessions service decides everything.
 */
import { ChatRoutes } from '../../../src/protocol/chat';
import { parseCommand } from '../../core/chat/commands';
import type { ChatSessions } from '../../services/chat/chat-sessions';
import type { RouteModule } from '../app';
import { problem } from '../errors';
import { openEventStream } from './sse';

const CHAT_ID_RULE = 'chat_id must be 1-200 letters, digits, `_`, `-` or `.`';

function noSession(sessions: ChatSessions): never {
  throw sessions.closed ? problem('Unavailable', 'the engine is shutting down') : problem('BadRequest', CHAT_ID_RULE);
}

export function chatRoutes(sessions: ChatSessions): RouteModule {
  return (app) => {
    app.addHook('preClose', async () => sessions.dispose());

    app.get<{ Querystring: { chat_id?: string } }>(ChatRoutes.subscribe, { schema: { querystring: { type: 'object', properties: { chat_id: { type: 'string' } } } } }, async (request, reply) => {
      const chatId = request.query.chat_id;
      if (!chatId) throw problem('BadRequest', 'chat_id required');
      const session = (await sessions.get(chatId)) ?? noSession(sessions);
      session.subscribe(openEventStream(reply));
      return reply;
    });

    // The body is checked by `parseCommand`, which names the field at fault in Refact's words.
    app.post<{ Params: { chat_id: string }; Body: unknown }>(ChatRoutes.commands, { schema: { params: { type: 'object', properties: { chat_id: { type: 'string', minLength: 1 } } } } }, async (request, reply) => {
      const parsed = parseCommand(request.body);
      if (parsed.kind === 'malformed') throw problem('BadRequest', parsed.detail);
      const session = (await sessions.get(request.params.chat_id)) ?? noSession(sessions);
      const answer = parsed.kind === 'invalid_content' ? session.refuse(parsed.clientRequestId, parsed.error) : session.command(parsed.request);
      return reply.code(answer.status).send(answer.body);
    });
  };
}

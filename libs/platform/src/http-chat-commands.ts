import { AppError } from './app-error';
import { TokenService } from './auth/token-service';
import { ChatCommands } from './chat-commands.port';

export interface HttpChatCommandsOptions {
  /** The command API, e.g. http://command-api:3000 */
  baseUrl: string;
  /** Signs short-lived tokens for the actor (the gateway shares JWT_SECRET with the command API). */
  tokens: TokenService;
}

/**
 * The command side over HTTP, for a gateway running in its own process (production layout).
 * Node's fetch (undici) keeps connections alive and pools them per origin. The gateway acts on
 * behalf of the socket's authenticated user with a token it signs for that user; the command API
 * checks it like any other. Refusals come back as AppError with the API's code and status, so a
 * caller cannot tell this adapter from the in-process one.
 */
export class HttpChatCommands implements ChatCommands {
  constructor(private readonly options: HttpChatCommandsOptions) {}

  async sendMessage(
    cmd: Parameters<ChatCommands['sendMessage']>[0],
  ): ReturnType<ChatCommands['sendMessage']> {
    const { actor, conversationId, correlationId, ...body } = cmd;
    return this.post(actor, `${path(conversationId)}/messages`, body, correlationId);
  }

  markDelivered(cmd: WatermarkCommand): Promise<void> {
    return this.watermark('delivered', cmd);
  }

  markRead(cmd: WatermarkCommand): Promise<void> {
    return this.watermark('read', cmd);
  }

  private async watermark(kind: 'delivered' | 'read', cmd: WatermarkCommand): Promise<void> {
    const route = `${path(cmd.conversationId)}/${kind}`;
    await this.post(cmd.actor, route, { upToSeq: cmd.upToSeq }, cmd.correlationId);
  }

  private async post<T>(
    actor: string,
    route: string,
    body: object,
    correlationId?: string,
  ): Promise<T> {
    const res = await fetch(this.options.baseUrl + route, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.options.tokens.issue(actor)}`,
        ...(correlationId ? { 'x-request-id': correlationId } : {}),
      },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string } } | undefined;
    if (res.ok) return json as T;
    const error = json?.error;
    throw new AppError(
      error?.code ?? 'upstream_error',
      error?.message ?? `command API answered ${res.status}`,
      res.status,
    );
  }
}

type WatermarkCommand = Parameters<ChatCommands['markRead']>[0];

const path = (conversationId: string) => `/v1/conversations/${encodeURIComponent(conversationId)}`;

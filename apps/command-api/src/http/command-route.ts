import type { CommandContext } from '../conversation/handle-command';

/**
 * A POST /v1/conversations/:id/… command route: what its controller method would do. Its own
 * module so that the routes (send-message.route.ts, mark-receipt.routes.ts) and their registrar
 * (command-routes.ts) import it without importing each other.
 */
export interface CommandRoute {
  url: string;
  /** Status of a success. */
  status: number;
  /** Validates the path id and body (AppError 400/404) and builds the command for the CommandBus. */
  command(id: string, body: unknown, ctx: CommandContext): object;
}

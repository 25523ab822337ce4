import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { bearerToken, TokenService } from '../../../../libs/platform/src/auth/token-service';

export const WS_PATH = '/v1/ws';

export type UpgradeDecision =
  | { ok: true; userId: string; awaitSync: boolean }
  | { ok: false; status: 401 | 404; code: string; message: string };

/**
 * Decides an upgrade request before the handshake completes: wrong path → 404, missing or
 * bad token (`?token=` or `Authorization: Bearer`) → 401. No socket is ever opened for them.
 */
export function decideUpgrade(req: IncomingMessage, tokens: TokenService): UpgradeDecision {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== WS_PATH)
    return { ok: false, status: 404, code: 'not_found', message: 'no such endpoint' };
  const token = url.searchParams.get('token') || bearerToken(req.headers.authorization);
  try {
    const { userId } = tokens.verify(token);
    return { ok: true, userId, awaitSync: url.searchParams.get('awaitSync') === '1' };
  } catch (err) {
    return { ok: false, status: 401, code: 'invalid_token', message: (err as Error).message };
  }
}

const REASONS = { 401: 'Unauthorized', 404: 'Not Found' } as const;

/** Answers the upgrade request with a plain HTTP error and closes the TCP connection. */
export function rejectUpgrade(
  socket: Duplex,
  decision: Extract<UpgradeDecision, { ok: false }>,
): void {
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error: { code: decision.code, message: decision.message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${decision.status} ${REASONS[decision.status]}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
